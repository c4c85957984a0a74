package client

import (
	"context"
	"errors"
	"net/http"
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

// The connection drops before the server stored anything: not found, so the
// POST is sent again.
func TestCreateLostRequestIsResent(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, drop)
	c := f.client()
	img, err := c.CreateImage(context.Background(), yoloSpec())
	if err != nil {
		t.Fatal(err)
	}
	if img.Name != "yolo" {
		t.Errorf("created %+v", img)
	}
	f.wantCalls(createRoute, 2)
	f.wantCalls(listRoute, 1)
	if n := f.imageCount(); n != 1 {
		t.Errorf("server holds %d images", n)
	}
}

// A 500 may or may not have committed: look first, then resend.
func TestCreate500LooksThenResends(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, status(500, "text/html", "<title>Server Error (500)</title>"))
	c := f.client()
	if _, err := c.CreateImage(context.Background(), yoloSpec()); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(createRoute, 2)
	f.wantCalls(listRoute, 1)
}

// 429 and 503 with Retry-After prove the server did nothing: retried directly,
// without a look-up.
func TestCreateSafeFailuresRetryDirectly(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, status(429, "", "", "Retry-After", "0"))
	f.intercept("POST", "/v1/docker/create", 1, status(503, "", "", "Retry-After", "0"))
	c := f.client()
	if _, err := c.CreateImage(context.Background(), yoloSpec()); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(createRoute, 3)
	f.wantCalls(listRoute, 0)
}

// A 400 (duplicate, validation) is final: no retry, no look-up.
func TestCreate400IsFinal(t *testing.T) {
	f := newFake(t)
	f.put(yoloSpec())
	c := f.client()
	_, err := c.CreateImage(context.Background(), yoloSpec())
	want := "POST /v1/docker/create: 400 Bad Request: The fields name, version must make a unique set."
	if err == nil || err.Error() != want || !IsBadRequest(err) {
		t.Errorf("error %v, want %q", err, want)
	}
	f.wantCalls(createRoute, 1)
	f.wantCalls(listRoute, 0)
}

// A 2xx whose body cannot be read still means the image was stored: adopt it
// rather than leave an orphan.
func TestCreateGarbage2xxAdopts(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
		f.handle(httptestRecorder(), r, createRoute, body)
		return status(201, "application/json", `{"pk": 1, "name": "yo`)(f, w, r, body)
	})
	c := f.client()
	img, err := c.CreateImage(context.Background(), yoloSpec())
	if err != nil {
		t.Fatal(err)
	}
	if img.PK != 1 || img.Licence != "GPL3" {
		t.Errorf("adopted %+v", img)
	}
	f.wantCalls(createRoute, 1)
}

// Resends are bounded by MaxRetries; the last error is returned.
func TestCreateResendsAreBounded(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", -1, status(500, "application/json", `{"detail": "boom"}`))
	c := f.client(func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.CreateImage(context.Background(), yoloSpec())
	if got, want := err.Error(), "POST /v1/docker/create: 500 Internal Server Error: boom"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	f.wantCalls(createRoute, 3)
	f.wantCalls(listRoute, 3)
}

// The first POST is answered 500 but commits late; the resend meets the
// duplicate: the client looks again and adopts its own image.
func TestCreateLateCommitAdopts(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, status(500, "", ""))
	f.intercept("POST", "/v1/docker/list", 1, func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
		f.listImages(w, body) // nothing yet...
		f.put(yoloSpec())     // ...then the first create lands
		return true
	})
	c := f.client()
	img, err := c.CreateImage(context.Background(), yoloSpec())
	if err != nil {
		t.Fatal(err)
	}
	if img.PK != 1 {
		t.Errorf("adopted %+v", img)
	}
	f.wantCalls(createRoute, 2)
	f.wantCalls(listRoute, 2)
}

// When the look-up itself fails, both failures are reported.
func TestCreateLookupFails(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/create", 1, drop)
	f.intercept("POST", "/v1/docker/list", -1, status(403, "application/json", `{"detail": "You do not have permission to perform this action."}`))
	c := f.client()
	_, err := c.CreateImage(context.Background(), yoloSpec())
	if err == nil || !strings.Contains(err.Error(), "looking up yolo:v7_2022-10-08_cuda11.1 to see whether it was created anyway also failed: POST /v1/docker/list: 403 Forbidden") {
		t.Errorf("error %v", err)
	}
	var conn *ConnectionError
	if !errors.As(err, &conn) {
		t.Errorf("the create's own failure is not wrapped: %v", err)
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
