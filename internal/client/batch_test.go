package client_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

func TestBatchReaderServesAWaveWithOneListAndLaterReadsFromTheCatalog(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	ctx := context.Background()
	images := s.Images()
	if len(images) < 20 {
		t.Fatalf("want the sample catalog, got %d images", len(images))
	}
	s.ResetCalls()
	r := client.NewBatchReader(c, 20*time.Millisecond)

	// A wave of ten concurrent reads: one list call selecting exactly their pks.
	var wg sync.WaitGroup
	errs := make([]error, 10)
	got := make([]*client.Image, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i], errs[i] = r.ReadImage(ctx, int64(i+1))
		}(i)
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || got[i].PK != int64(i+1) {
			t.Fatalf("read %d: %v %+v", i+1, errs[i], got[i])
		}
		want, _ := c.GetImage(ctx, int64(i+1))
		if !reflect.DeepEqual(want, got[i]) {
			t.Errorf("batched read of %d differs from GET:\n%+v\n%+v", i+1, *got[i], *want)
		}
	}
	if l, g := s.Calls("POST /v1/docker/list"), s.Calls("GET /v1/docker/{pk}"); l != 1 || g != 10 {
		t.Fatalf("first wave: %d lists and %d GETs (10 are this test's own), want 1 and 10", l, g)
	}

	// The next read lists the whole catalog; every read after that is free.
	s.ResetCalls()
	for pk := int64(11); pk <= int64(len(images)); pk++ {
		img, err := r.ReadImage(ctx, pk)
		if err != nil || img.PK != pk {
			t.Fatalf("read %d: %v", pk, err)
		}
	}
	if _, err := r.ReadImage(ctx, 9999); !client.IsNotFound(err) {
		t.Errorf("a pk missing from the whole catalog must be not found, got %v", err)
	}
	if l, g := s.Calls("POST /v1/docker/list"), s.Calls("GET /v1/docker/{pk}"); l != 1 || g != 0 {
		t.Errorf("later reads: %d lists and %d GETs, want 1 and 0", l, g)
	}
	if img, err := r.FindImage(ctx, "yolo", "v7_2022-10-08_cuda11.1"); err != nil || img == nil {
		t.Errorf("FindImage from the catalog: %v %v", img, err)
	}
	if l := s.Calls("POST /v1/docker/list"); l != 1 {
		t.Errorf("FindImage with a catalog made a list call")
	}

	// A written image is read exactly, and sees the write.
	if err := s.PatchImage(3, map[string]any{"url": "changed.example.com/x:1"}); err != nil {
		t.Fatal(err)
	}
	r.Forget(3)
	img, err := r.ReadImage(ctx, 3)
	if err != nil || img.URL != "changed.example.com/x:1" {
		t.Errorf("read after Forget: %v %+v", err, img)
	}
	if g := s.Calls("GET /v1/docker/{pk}"); g != 1 {
		t.Errorf("read after Forget made %d GETs, want 1", g)
	}
}

func TestBatchReaderMissingFromAPkListIsNotFound(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	if err := s.DeleteImage(2); err != nil {
		t.Fatal(err)
	}
	r := client.NewBatchReader(c, time.Millisecond)
	if _, err := r.ReadImage(context.Background(), 2); !client.IsNotFound(err) {
		t.Errorf("deleted image: want not found, got %v", err)
	}
}

func TestBatchReaderPassesListErrorsToEveryWaiter(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c, err := client.New(client.Config{Host: host, Username: "admin", Password: mustAdminPassword(s), MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultStatus, Status: 400, Body: `{"detail": "nope"}`, ContentType: "application/json", Times: 1})
	r := client.NewBatchReader(c, 10*time.Millisecond)
	var wg sync.WaitGroup
	for pk := int64(1); pk <= 3; pk++ {
		wg.Add(1)
		go func(pk int64) {
			defer wg.Done()
			if _, err := r.ReadImage(context.Background(), pk); !client.IsBadRequest(err) {
				t.Errorf("read %d: want the list's 400, got %v", pk, err)
			}
		}(pk)
	}
	wg.Wait()
}

func mustAdminPassword(s *refserver.Server) string {
	_, pw, _, _ := s.Credentials()
	return pw
}
