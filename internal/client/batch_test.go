package client_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// concurrently runs f(i) for i in 0..n-1 at once and waits for them.
func concurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

func TestBatchReaderServesEachWaveWithOneListOfExactlyItsImages(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	ctx := context.Background()
	if n := len(s.Images()); n < 20 {
		t.Fatalf("want the sample catalog, got %d images", n)
	}
	r := client.NewBatchReader(c, 20*time.Millisecond)

	for wave := 0; wave < 2; wave++ {
		s.ResetCalls()
		errs := make([]error, 10)
		got := make([]*client.Image, 10)
		concurrently(10, func(i int) { got[i], errs[i] = r.ReadImage(ctx, int64(wave*10+i+1)) })
		if l, g := s.Calls("POST /v1/docker/list"), s.Calls("GET /v1/docker/{pk}"); l != 1 || g != 0 {
			t.Fatalf("wave %d: %d lists and %d GETs, want 1 list", wave, l, g)
		}
		var body map[string]any
		reqs := s.Requests()
		if err := json.Unmarshal(reqs[len(reqs)-1].Body, &body); err != nil {
			t.Fatal(err)
		}
		exprs, _ := body["expressions"].([]any)
		or, _ := exprs[0].(map[string]any)
		if subs, _ := or["sub_expressions"].([]any); len(subs) != 10 {
			t.Errorf("wave %d listed %v, want exactly its 10 pks", wave, body)
		}
		for i := range got {
			pk := int64(wave*10 + i + 1)
			if errs[i] != nil || got[i].PK != pk {
				t.Fatalf("read %d: %v %+v", pk, errs[i], got[i])
			}
			want, _ := c.GetImage(ctx, pk)
			if !reflect.DeepEqual(want, got[i]) {
				t.Errorf("batched read of %d differs from GET:\n%+v\n%+v", pk, *got[i], *want)
			}
		}
	}

	// A lone read lists its one image, which the server's schema needs as a plain exact.
	s.ResetCalls()
	if img, err := r.ReadImage(ctx, 21); err != nil || img.PK != 21 {
		t.Fatalf("read 21: %v", err)
	}
	if reqs := s.Requests(); len(reqs) != 1 || string(reqs[0].Body) != `{"expressions":[{"type":"exact","field":"pk","value":21}],"order_by":[]}` {
		t.Errorf("a lone read sent %v", reqs)
	}
	if _, err := r.ReadImage(ctx, 9999); !client.IsNotFound(err) {
		t.Errorf("a pk missing from the list that selected it must be not found, got %v", err)
	}

	// A written image is read exactly, and sees the write.
	if err := s.PatchImage(3, map[string]any{"url": "changed.example.com/x:1"}); err != nil {
		t.Fatal(err)
	}
	r.Forget(3)
	s.ResetCalls()
	img, err := r.ReadImage(ctx, 3)
	if err != nil || img.URL != "changed.example.com/x:1" {
		t.Errorf("read after Forget: %v %+v", err, img)
	}
	if g := s.Calls("GET /v1/docker/{pk}"); g != 1 {
		t.Errorf("read after Forget made %d GETs, want 1", g)
	}
}

// The (name, version) checks of a wave share one list of exactly their pairs.
func TestBatchReaderFindsAWaveOfNamesWithOneList(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	r := client.NewBatchReader(c, 20*time.Millisecond)
	s.ResetCalls()
	names := []string{"yolo", "yolo", "nope", "yolo_cpu"}
	versions := []string{"v7_2022-10-08_cuda11.1", "v5_2022-05-31_cuda11.1", "v1", "v7_2022-10-08-05_cpu"}
	got := make([]*client.Image, len(names))
	errs := make([]error, len(names))
	concurrently(len(names), func(i int) { got[i], errs[i] = r.FindImage(context.Background(), names[i], versions[i]) })
	for i := range names {
		switch {
		case errs[i] != nil:
			t.Errorf("%s:%s: %v", names[i], versions[i], errs[i])
		case names[i] == "nope" && got[i] != nil:
			t.Errorf("nope:v1 found %+v", got[i])
		case names[i] != "nope" && (got[i] == nil || got[i].Name != names[i] || got[i].Version != versions[i]):
			t.Errorf("%s:%s found %+v", names[i], versions[i], got[i])
		}
	}
	if l := s.Calls("POST /v1/docker/list"); l != 1 {
		t.Errorf("four look-ups made %d list calls, want 1", l)
	}
}

// Destroys of a wave prove together that their images are gone; against the real backend's
// behaviour the first destroy finds out that tasks must go first, and the others follow.
func TestBatchReaderDestroysAWave(t *testing.T) {
	for _, profile := range []refserver.Profile{refserver.ProfileDocumented, refserver.ProfileUFDLBackend} {
		t.Run(string(profile), func(t *testing.T) {
			s, host := startRefserver(t, refserver.Options{Samples: true, Profile: profile})
			c := adminClient(t, s, host)
			r := client.NewBatchReader(c, 20*time.Millisecond)
			s.ResetCalls()
			errs := make([]error, 10)
			concurrently(10, func(i int) {
				img, _ := s.Image(int64(i + 1))
				tasks, _ := img["tasks"].([]string)
				errs[i] = r.DestroyImage(context.Background(), int64(i+1), tasks)
			})
			for i, err := range errs {
				if err != nil {
					t.Errorf("destroy %d: %v", i+1, err)
				}
				if _, ok := s.Image(int64(i + 1)); ok {
					t.Errorf("image %d is still there", i+1)
				}
			}
			deletes, patches, gets, lists := s.Calls("DELETE /v1/docker/{pk}"), s.Calls("PATCH /v1/docker/{pk}"), s.Calls("GET /v1/docker/{pk}"), s.Calls("POST /v1/docker/list")
			wantDeletes, wantPatches := 10, 0
			if profile == refserver.ProfileUFDLBackend {
				wantDeletes, wantPatches = 11, 10 // the first image is deleted twice: before and after clearing its tasks
			}
			if deletes != wantDeletes || patches != wantPatches || gets != 0 || lists > 4 {
				t.Errorf("ten destroys: %d DELETEs, %d PATCHes, %d GETs, %d lists; want %d, %d, 0 and at most 4 lists",
					deletes, patches, gets, lists, wantDeletes, wantPatches)
			}
		})
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
