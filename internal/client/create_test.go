// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	createRoute = "POST /v1/docker/create"
	listRoute   = "POST /v1/docker/list"
)

// The create commits but its answer is lost: the client finds the image, sees
// it matches what was sent, and adopts it. One POST, one image.
func TestCreateLostAnswerAdopts(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, commitThenDrop)
	log := &captureLogger{}
	c := f.client(func(cfg *Config) { cfg.Logger = log })
	img, err := c.CreateImage(context.Background(), yoloSpec())
	if err != nil {
		t.Fatal(err)
	}
	if img.PK != 1 || img.Name != "yolo" || img.Domain != "Object Detection" {
		t.Errorf("adopted %+v", img)
	}
	f.wantCalls(createRoute, 1)
	f.wantCalls(listRoute, 1)
	if n := f.imageCount(); n != 1 {
		t.Errorf("server holds %d images, want 1", n)
	}
	if !strings.Contains(log.text(), "adopted the matching image") {
		t.Errorf("adoption not logged:\n%s", log.text())
	}
}

// The answer is lost, and the image found under that name:version differs: it
// is not adopted, and the error says why without showing the password.
func TestCreateLostAnswerFindsDifferentImage(t *testing.T) {
	f := newFake(t)
	theirs := yoloSpec()
	theirs.CUDAVersion = "10.0"
	theirs.Tasks = []string{"Train"}
	theirs.RegistryPassword = strp("their-password")
	pk := f.put(theirs)
	f.intercept("POST", "/v1/docker/create", 1, drop)
	c := f.client()
	_, err := c.CreateImage(context.Background(), yoloSpec())
	var ce *ImageConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("got %T %v, want *ImageConflictError", err, err)
	}
	if ce.PK != pk || len(ce.Differences) != 3 {
		t.Errorf("conflict %+v", ce)
	}
	for _, want := range []string{
		"an image yolo:v7_2022-10-08_cuda11.1 already exists on the server (pk 1) and differs from the one sent",
		`cuda_version: sent "11.1", server has "10.0"`,
		`tasks: sent ["Predict" "Train"], server has ["Train"]`,
		"registry_password: differs (values not shown)",
		"the server closed the connection without a complete answer",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	for _, secret := range []string{"their-password", "reg-Secret-77"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows a registry password: %s", err)
		}
	}
	f.wantCalls(createRoute, 1)
}

// Each row scripts the faults one create meets; it must end with the image or the
// error the row checks, having sent the creates and look-ups the row counts.
func TestCreateFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(f *fake) // the faults, and any image already there
		retries int           // MaxRetries; 0: the fake client's
		check   func(t *testing.T, img *Image, err error)
		calls   map[string]int // requests per route; routes not named are not checked
		images  int            // images the server holds at the end; 0: not checked
	}{
		{
			// The connection drops before the server stored anything: not found, so the
			// POST is sent again.
			name:   "lost request is resent",
			setup:  func(f *fake) { f.intercept("POST", "/v1/docker/create", 1, drop) },
			check:  created(func(img *Image) bool { return img.Name == "yolo" }),
			calls:  map[string]int{createRoute: 2, listRoute: 1},
			images: 1,
		},
		{
			// A 500 may or may not have committed: look first, then resend.
			name: "500 looks then resends",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", 1, status(500, "text/html", "<title>Server Error (500)</title>"))
			},
			check: created(nil),
			calls: map[string]int{createRoute: 2, listRoute: 1},
		},
		{
			// 429 and 503 with Retry-After prove the server did nothing: retried directly,
			// without a look-up.
			name: "safe failures retry directly",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", 1, status(429, "", "", "Retry-After", "0"))
				f.intercept("POST", "/v1/docker/create", 1, status(503, "", "", "Retry-After", "0"))
			},
			check: created(nil),
			calls: map[string]int{createRoute: 3, listRoute: 0},
		},
		{
			// A 400 (duplicate, validation) is final: no retry, no look-up.
			name:  "400 is final",
			setup: func(f *fake) { f.put(yoloSpec()) },
			check: func(t *testing.T, _ *Image, err error) {
				want := "POST /v1/docker/create: 400 Bad Request: The fields name, version must make a unique set."
				if err == nil || !strings.HasSuffix(err.Error(), want[len("POST "):]) || !IsBadRequest(err) {
					t.Errorf("error %v, want %q", err, want)
				}
			},
			calls: map[string]int{createRoute: 1, listRoute: 0},
		},
		{
			// A 2xx whose body cannot be read still means the image was stored: adopt it
			// rather than leave an orphan.
			name: "garbage 2xx adopts",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", 1, func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
					f.handle(httptestRecorder(), r, createRoute, body)
					return status(201, "application/json", `{"pk": 1, "name": "yo`)(f, w, r, body)
				})
			},
			check: created(func(img *Image) bool { return img.PK == 1 && img.Licence == "GPL3" }),
			calls: map[string]int{createRoute: 1},
		},
		{
			// Resends are bounded by MaxRetries; the last error is returned.
			name: "resends are bounded",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", -1, status(500, "application/json", `{"detail": "boom"}`))
			},
			retries: 2,
			check: func(t *testing.T, _ *Image, err error) {
				if got, want := err.Error(), "/v1/docker/create: 500 Internal Server Error: boom"; !strings.HasSuffix(got, want) {
					t.Errorf("error %q, want %q", got, want)
				}
			},
			calls: map[string]int{createRoute: 3, listRoute: 3},
		},
		{
			// The first POST is answered 500 but commits late; the resend meets the
			// duplicate: the client looks again and adopts its own image.
			name: "late commit adopts",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", 1, status(500, "", ""))
				f.intercept("POST", "/v1/docker/list", 1, func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
					f.listImages(w, body) // nothing yet...
					f.put(yoloSpec())     // ...then the first create lands
					return true
				})
			},
			check: created(func(img *Image) bool { return img.PK == 1 }),
			calls: map[string]int{createRoute: 2, listRoute: 2},
		},
		{
			// When the look-up itself fails, both failures are reported.
			name: "lookup fails",
			setup: func(f *fake) {
				f.intercept("POST", "/v1/docker/create", 1, drop)
				f.intercept("POST", "/v1/docker/list", -1, status(403, "application/json", `{"detail": "You do not have permission to perform this action."}`))
			},
			check: func(t *testing.T, _ *Image, err error) {
				if err == nil || !strings.Contains(err.Error(), "looking up yolo:v7_2022-10-08_cuda11.1 to see whether it was created anyway also failed: POST http://127.0.0.1:") ||
					!strings.Contains(err.Error(), "/v1/docker/list: 403 Forbidden") {
					t.Errorf("error %v", err)
				}
				var conn *ConnectionError
				if !errors.As(err, &conn) {
					t.Errorf("the create's own failure is not wrapped: %v", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(f)
			c := f.client(func(cfg *Config) {
				if tc.retries != 0 {
					cfg.MaxRetries = tc.retries
				}
			})
			img, err := c.CreateImage(context.Background(), yoloSpec())
			tc.check(t, img, err)
			for _, route := range slices.Sorted(maps.Keys(tc.calls)) {
				f.wantCalls(route, tc.calls[route])
			}
			if n := f.imageCount(); tc.images != 0 && n != tc.images {
				t.Errorf("server holds %d images, want %d", n, tc.images)
			}
		})
	}
}

// created checks that the create succeeded, with an image that ok (if set) accepts.
func created(ok func(*Image) bool) func(*testing.T, *Image, error) {
	return func(t *testing.T, img *Image, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if ok != nil && !ok(img) {
			t.Errorf("created %+v", img)
		}
	}
}

// A create whose ctx ends (Terraform interrupted) at each point of its life: a
// POST already sent is let finish, so that an image the server stores is
// returned (and lands in state) instead of being orphaned; nothing is sent after
// the end.
func TestCreateCancelled(t *testing.T) {
	for _, tc := range []struct {
		name string
		// server answers the create; it gets the function that ends the caller's ctx.
		server  func(cancel context.CancelFunc) handler
		timeout time.Duration // per attempt; 0: the default
		stored  bool          // the image is stored and returned; else the error is the cancellation
		creates int
		lists   int // -1: any
	}{
		{name: "before sending: nothing is sent", creates: 0, lists: 0},
		{
			// A look-up made at the cancellation would find nothing, and the image stored
			// a moment later would be orphaned.
			name: "in flight, not stored yet: the POST finishes and its answer returns the image",
			server: func(cancel context.CancelFunc) handler {
				return func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
					cancel()
					time.Sleep(100 * time.Millisecond) // still working when the client is interrupted
					f.handle(w, r, createRoute, body)
					return true
				}
			},
			stored: true, creates: 1, lists: 0,
		},
		{
			name: "stored, the answer never comes: after the per-attempt timeout a detached look-up adopts it",
			server: func(cancel context.CancelFunc) handler {
				return func(f *fake, _ http.ResponseWriter, r *http.Request, body []byte) bool {
					f.handle(httptestRecorder(), r, createRoute, body)
					cancel()
					<-r.Context().Done() // the client gave up on this request
					return true
				}
			},
			timeout: 200 * time.Millisecond, stored: true, creates: 1, lists: 1,
		},
		{
			name: "refused unprocessed (429): it is not sent again",
			server: func(cancel context.CancelFunc) handler {
				return func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
					cancel()
					return status(429, "application/json", `{"detail": "Request was throttled."}`, "Retry-After", "1")(f, w, r, body)
				}
			},
			creates: 1, lists: -1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.server != nil {
				f.intercept("POST", "/v1/docker/create", 1, tc.server(cancel))
			} else {
				cancel()
			}
			c := f.loggedIn(func(cfg *Config) { cfg.RequestTimeout = tc.timeout })
			img, err := c.CreateImage(ctx, yoloSpec())
			switch {
			case tc.stored && (err != nil || img.PK != 1):
				t.Errorf("got %+v, %v; want image 1", img, err)
			case !tc.stored && !errors.Is(err, context.Canceled):
				t.Errorf("error %v, want context.Canceled", err)
			case tc.creates == 0 && err.Error() != "POST /v1/docker/create: cancelled before it was sent (context canceled)":
				t.Errorf("error %q does not say that nothing was sent", err)
			}
			wantImages := 0
			if tc.stored {
				wantImages = 1
			}
			if n := f.imageCount(); n != wantImages {
				t.Errorf("server holds %d images, want %d", n, wantImages)
			}
			f.wantCalls(createRoute, tc.creates)
			if tc.lists >= 0 {
				f.wantCalls(listRoute, tc.lists)
			}
		})
	}
}

func TestImageDiff(t *testing.T) {
	lk := &Lookups{Domains: testDomains}
	spec := yoloSpec()
	img := &Image{
		PK: 1, Name: spec.Name, Version: spec.Version, URL: spec.URL, RegistryURL: spec.RegistryURL,
		RegistryUsername: strp("public"), RegistryPassword: strp("reg-Secret-77"),
		CUDAVersion: CUDAVersion{Version: "11.1"}, Framework: Framework{PK: 17, Name: "yolo", Version: "v7"},
		Domain: "Object Detection", Tasks: []string{"Predict", "Train", "Train"},
		MinHardwareGeneration: &HardwareGeneration{Generation: "Pascal"}, Licence: "GPL3",
	}
	if d := Differences(spec, img, lk); len(d) != 0 {
		t.Errorf("identical images differ: %v", d)
	}
	img.Domain = "Speech"
	img.Framework = Framework{PK: 3, Name: "mmdetection", Version: "2020-03-01"}
	img.MinHardwareGeneration = nil
	img.RegistryUsername = nil
	img.CPU = true
	want := []string{
		`registry_username: sent "public", server has null`,
		`framework: sent 17, server has 3 (mmdetection 2020-03-01)`,
		`domain: sent "od", server has "sp"`,
		`min_hardware_generation: sent "Pascal", server has null`,
		`cpu: sent false, server has true`,
	}
	got := Differences(spec, img, lk)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
