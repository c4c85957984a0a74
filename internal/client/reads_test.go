// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// These tests check what holds under any scheduling: every read gets the right answer, no
// read costs a GET, a list selects only images that were asked for, and there are never more
// lists than reads. How reads are grouped in time is internal/coalesce's, tested there with
// a fake clock.

// concurrently runs f(i) for i in 0..n-1 at once and waits for them.
func concurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

// listedPKs returns the pks each list call of reqs selected.
func listedPKs(t *testing.T, reqs []refserver.Request) [][]int64 {
	t.Helper()
	var out [][]int64
	for _, r := range reqs {
		if r.Method != "POST" || r.Path != "/v1/docker/list" {
			continue
		}
		var pks []int64
		var walk func(e map[string]any)
		walk = func(e map[string]any) {
			if e["field"] == "pk" {
				v, _ := e["value"].(float64)
				pks = append(pks, int64(v))
			}
			subs, _ := e["sub_expressions"].([]any)
			for _, s := range subs {
				m, _ := s.(map[string]any)
				walk(m)
			}
		}
		var body struct {
			Expressions []map[string]any `json:"expressions"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("list body %s: %v", r.Body, err)
		}
		for _, e := range body.Expressions {
			walk(e)
		}
		out = append(out, pks)
	}
	return out
}

func TestConcurrentReadsShareListsOfExactlyTheirImages(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	ctx := t.Context()
	if n := len(s.Images()); n < 20 {
		t.Fatalf("want the sample catalog, got %d images", n)
	}
	for wave := range 2 {
		s.ResetCalls()
		errs := make([]error, 10)
		got := make([]*client.Image, 10)
		concurrently(10, func(i int) { got[i], errs[i] = c.ReadImage(ctx, int64(wave*10+i+1)) })
		lists := listedPKs(t, s.Requests())
		if g := s.Calls("GET /v1/docker/{pk}"); g != 0 || len(lists) == 0 || len(lists) > 10 {
			t.Fatalf("wave %d: %d GETs and %d lists, want none and 1 to 10", wave, g, len(lists))
		}
		for _, pks := range lists {
			for _, pk := range pks {
				if pk <= int64(wave*10) || pk > int64(wave*10+10) {
					t.Errorf("wave %d listed pk %d, which it did not read", wave, pk)
				}
			}
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
	if img, err := c.ReadImage(ctx, 21); err != nil || img.PK != 21 {
		t.Fatalf("read 21: %v", err)
	}
	if reqs := s.Requests(); len(reqs) != 1 || string(reqs[0].Body) != `{"expressions":[{"type":"exact","field":"pk","value":21}],"order_by":[]}` {
		t.Errorf("a lone read sent %v", reqs)
	}
	if _, err := c.ReadImage(ctx, 9999); !client.IsNotFound(err) {
		t.Errorf("a pk missing from the list that selected it must be not found, got %v", err)
	}

	// A read after a change sees it: its list is sent after it was asked for.
	if err := s.PatchImage(3, map[string]any{"url": "changed.example.com/x:1"}); err != nil {
		t.Fatal(err)
	}
	if img, err := c.ReadImage(ctx, 3); err != nil || img.URL != "changed.example.com/x:1" {
		t.Errorf("read after a change: %v %+v", err, img)
	}
}

func TestSingleReadsGetEachImage(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	admin, pw, _, _ := s.Credentials()
	c, err := client.New(client.Config{Host: host, Username: admin, Password: pw, SingleReads: true})
	if err != nil {
		t.Fatal(err)
	}
	s.ResetCalls()
	concurrently(5, func(i int) {
		if img, err := c.ReadImage(t.Context(), int64(i+1)); err != nil || img.PK != int64(i+1) {
			t.Errorf("read %d: %v", i+1, err)
		}
	})
	if g, l := s.Calls("GET /v1/docker/{pk}"), s.Calls("POST /v1/docker/list"); g != 5 || l != 0 {
		t.Errorf("five single reads: %d GETs and %d lists, want 5 and 0", g, l)
	}
}

// The (name, version) look-ups made together share lists of exactly their pairs.
func TestConcurrentLookUpsByName(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	s.ResetCalls()
	names := []string{"yolo", "yolo", "nope", "yolo_cpu"}
	versions := []string{"v7_2022-10-08_cuda11.1", "v5_2022-05-31_cuda11.1", "v1", "v7_2022-10-08-05_cpu"}
	got := make([]*client.Image, len(names))
	errs := make([]error, len(names))
	concurrently(len(names), func(i int) { got[i], errs[i] = c.FindImage(t.Context(), names[i], versions[i]) })
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
	if l := s.Calls("POST /v1/docker/list"); l < 1 || l > len(names) {
		t.Errorf("four look-ups made %d list calls, want 1 to 4", l)
	}
}

// Destroys of a wave prove that their images are gone with shared read-backs; against the
// real backend's behaviour the first destroy finds out that tasks must go first, and the
// others follow.
func TestDestroysOfAWave(t *testing.T) {
	for _, profile := range []refserver.Profile{refserver.ProfileDocumented, refserver.ProfileUFDLBackend} {
		t.Run(string(profile), func(t *testing.T) {
			s, host := startRefserver(t, refserver.Options{Samples: true, Profile: profile})
			c := adminClient(t, s, host)
			s.ResetCalls()
			errs := make([]error, 10)
			concurrently(10, func(i int) {
				img, _ := s.Image(int64(i + 1))
				tasks, _ := img["tasks"].([]string)
				errs[i] = c.DestroyImage(t.Context(), int64(i+1), tasks)
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
			// The probe reads back twice; each other destroy once.
			if deletes != wantDeletes || patches != wantPatches || gets != 0 || lists < 1 || lists > 11 {
				t.Errorf("ten destroys: %d DELETEs, %d PATCHes, %d GETs, %d lists; want %d, %d, 0 and 1 to 11 lists",
					deletes, patches, gets, lists, wantDeletes, wantPatches)
			}
		})
	}
}

func TestReadsPassListErrorsToEveryWaiter(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	admin, pw, _, _ := s.Credentials()
	c, err := client.New(client.Config{Host: host, Username: admin, Password: pw, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	s.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultStatus, Status: 400, Body: `{"detail": "nope"}`, ContentType: "application/json"})
	concurrently(3, func(i int) {
		if _, err := c.ReadImage(t.Context(), int64(i+1)); !client.IsBadRequest(err) {
			t.Errorf("read %d: want the list's 400, got %v", i+1, err)
		}
	})
}

// TestAReadWhoseCallerLeftStops: a read whose caller gave up (Terraform interrupted) stops
// retrying at once, however many retries its settings allow.
func TestAReadWhoseCallerLeftStops(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	admin, pw, _, _ := s.Credentials()
	c, err := client.New(client.Config{Host: host, Username: admin, Password: pw, MaxRetries: 20,
		RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultStatus, Status: 503})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := c.ReadImage(ctx, 1); done <- err }()
	for s.Calls("POST /v1/docker/list") < 2 { // retrying
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("read after its caller left: %v", err)
	}
	at := s.Calls("POST /v1/docker/list")
	time.Sleep(200 * time.Millisecond) // four more retry waits, were it still going
	if after := s.Calls("POST /v1/docker/list"); after != at {
		t.Errorf("the list went on after its caller left: %d attempts, then %d", at, after)
	}
}

// cancelOn is a client Logger that cancels a context once the client has logged an answer
// to method with status: a user's Ctrl-C at exactly that moment.
type cancelOn struct {
	method string
	status int
	cancel context.CancelFunc
	armed  *atomic.Bool
}

func (l cancelOn) Debug(_ context.Context, msg string, f map[string]any) {
	if l.armed.Load() && msg == "UFDL API request" && f["method"] == l.method && f["status"] == l.status {
		l.cancel()
	}
}
func (cancelOn) Info(context.Context, string, map[string]any)  {}
func (cancelOn) Warn(context.Context, string, map[string]any)  {}
func (cancelOn) Error(context.Context, string, map[string]any) {}

// TestInterruptedDestroy: Ctrl-C between the steps of a destroy on the real backend (clear
// the tasks, DELETE, read back) leaves the image either deleted or kept with its tasks, and
// the answer says which.
func TestInterruptedDestroy(t *testing.T) {
	for _, tc := range []struct {
		name         string
		method       string
		status       int
		wantErr      string // "" for a destroy that completed
		wantKeptWith []string
	}{
		// The tasks were cleared; the DELETE is never sent: the tasks go back.
		{name: "after clearing the tasks", method: "PATCH", status: 200,
			wantErr: `interrupted before docker image 2 was deleted: it was kept, with its tasks ["Predict" "Train"] put back`, wantKeptWith: []string{"Predict", "Train"}},
		// The DELETE took effect; its read-back is cut short: a read-back of its own says so.
		{name: "after the delete", method: "DELETE", status: 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, host := startRefserver(t, refserver.Options{Samples: true, Profile: refserver.ProfileUFDLBackend})
			admin, pw, _, _ := s.Credentials()
			ctx, cancel := context.WithCancel(t.Context())
			var armed atomic.Bool
			c, err := client.New(client.Config{Host: host, Username: admin, Password: pw, Logger: cancelOn{tc.method, tc.status, cancel, &armed}})
			if err != nil {
				t.Fatal(err)
			}
			// Image 1 teaches the client that this server keeps images with tasks.
			if err := c.DestroyImage(t.Context(), 1, []string{"Train"}); err != nil {
				t.Fatal(err)
			}
			img, _ := s.Image(2)
			tasks, _ := img["tasks"].([]string)
			armed.Store(true)
			err = c.DestroyImage(ctx, 2, tasks)
			kept, ok := s.Image(2)
			switch {
			case tc.wantErr == "" && (err != nil || ok):
				t.Errorf("destroy: %v; image still there: %t", err, ok)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("destroy: %v, want %q", err, tc.wantErr)
			case tc.wantErr != "" && (!ok || !slices.Equal(kept["tasks"].([]string), tc.wantKeptWith)):
				t.Errorf("image after the interrupted destroy: %v", kept)
			}
		})
	}
}

// TestDestroyInterruptedWhileClearingTasks: Ctrl-C while the answer to the clearing of an
// image's tasks is on its way. The server has cleared them; the client cannot know, so it puts
// them back with a context of its own and says the image was kept.
func TestDestroyInterruptedWhileClearingTasks(t *testing.T) {
	s, err := refserver.New(refserver.Options{Samples: true, Profile: refserver.ProfileUFDLBackend})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var armed atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !armed.Load() || r.Method != http.MethodPatch {
			s.ServeHTTP(w, r)
			return
		}
		// The server carries the PATCH out; its answer waits until the client gives up.
		armed.Store(false)
		s.ServeHTTP(httptest.NewRecorder(), r)
		cancel()
		<-r.Context().Done()
	}))
	t.Cleanup(hs.Close)
	admin, pw, _, _ := s.Credentials()
	c, err := client.New(client.Config{Host: hs.URL, Username: admin, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	// Image 1 teaches the client that this server keeps images with tasks.
	if err := c.DestroyImage(t.Context(), 1, []string{"Train"}); err != nil {
		t.Fatal(err)
	}
	img, _ := s.Image(2)
	tasks, _ := img["tasks"].([]string)
	armed.Store(true)
	err = c.DestroyImage(ctx, 2, tasks)
	want := fmt.Sprintf("interrupted before docker image 2 was deleted: it was kept, with its tasks %q put back", tasks)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("destroy: %v, want %q", err, want)
	}
	if kept, ok := s.Image(2); !ok || !slices.Equal(kept["tasks"].([]string), tasks) {
		t.Errorf("image 2 after the interrupted destroy: %v (present: %t), want it with its tasks %q", kept, ok, tasks)
	}
}
