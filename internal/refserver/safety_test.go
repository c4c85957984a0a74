// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/syncbuf"
)

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, Options{MaxBodyBytes: 512})
	big := with(yoloBody(), "name", strings.Repeat("x", 600))
	h.expect("POST", "/v1/docker/create", h.admin, big, 413,
		detailBody("Request body too large: the limit is 512 bytes."))
	h.expect("POST", "/v1/docker/list", h.user, `{"expressions":[`+strings.Repeat(" ", 600)+`]}`, 413, nil)
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	if h.srv.Requests()[0].Body != nil {
		t.Fatal("a refused body was recorded")
	}
}

func TestPanicIsRecovered(t *testing.T) {
	var log syncbuf.Buffer
	h := newHarness(t, Options{Log: &log})
	h.srv.routes["/v1/docker/{pk}"].methods["GET"] = endpoint{permUser, func(*Server, *request) response { panic("boom") }}
	h.expect("GET", "/v1/docker/1", h.user, nil, 500, detailBody("Internal server error."))
	// The server keeps serving.
	h.expect("POST", "/v1/docker/list", h.user, nil, 200, nil)
	if !strings.Contains(log.String(), "panic serving GET /v1/docker/1: boom") ||
		!strings.Contains(log.String(), "GET /v1/docker/1 500 ") {
		t.Fatalf("log:\n%s", log.String())
	}
}

func TestRequestLog(t *testing.T) {
	var log syncbuf.Buffer
	h := newHarness(t, Options{Log: &log, AdminPassword: "hunter2-secret"})
	h.login("admin", "hunter2-secret")
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "registry_password", "registry-secret"), 201, nil)
	h.expect("GET", "/v1/docker/%0a1", h.user, nil, 404, nil)
	out := log.String()
	line := regexp.MustCompile(`^(GET|POST) /\S* \d{3} \d+(\.\d+)?(ns|µs|ms|s)$`)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !line.MatchString(l) {
			t.Errorf("log line %q", l)
		}
	}
	for _, secret := range []string{"hunter2-secret", "registry-secret", h.admin, h.user, "Bearer"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
	if !strings.Contains(out, "GET /v1/docker/%0a1 404 ") {
		t.Errorf("escaped path missing:\n%s", out)
	}
}

func TestPathsAndRedirects(t *testing.T) {
	h := newHarness(t, Options{})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/v1/docker/list", "/v1/docker/list/", "/v1/licenses/list/", "/v1/job-contracts/list"} {
		req, _ := http.NewRequest("POST", h.url+p, nil)
		req.Header.Set("Authorization", "Bearer "+h.user)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// A path no route matches is Django's HTML 404 page.
	for _, p := range []string{"/", "/v1", "/v1/docker", "/v1/docker/list//", "/v1/docker//1", "/v2/docker/list",
		"/v1/docker/1/extra", "/v1/cuda/-1", "/v1/hardware/get-hardware-generation/"} {
		st, b, hdr := h.doHeaders("POST", p, h.user, nil, nil)
		if st != 404 || string(b) != notFoundPage || hdr.Get("Content-Type") != contentHTML {
			t.Errorf("POST %s: %d %q %s", p, st, hdr.Get("Content-Type"), b)
		}
	}
	// HEAD gets headers only: GET's answer, or the 500 of a route without GET.
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	st, b, _ := h.doHeaders("HEAD", "/v1/docker/1", h.user, nil, nil)
	if st != 200 || len(b) != 0 {
		t.Fatalf("HEAD item: %d %q", st, b)
	}
	st, b, _ = h.doHeaders("HEAD", "/v1/docker/list", h.user, nil, nil)
	if st != 500 || len(b) != 0 {
		t.Fatalf("HEAD list: %d %q", st, b)
	}
}

// probe is a route that records how many requests run at once.
func addProbe(s *Server, gate chan struct{}, running, peak *atomic.Int32) {
	s.routes["/v1/probe/list"] = &route{pattern: "/v1/probe/list", methods: map[string]endpoint{
		"POST": {permUser, func(*Server, *request) response {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			if gate != nil {
				<-gate
			}
			running.Add(-1)
			return noContent()
		}},
	}}
}

func TestSerialHandlesOneRequestAtATime(t *testing.T) {
	for _, serial := range []bool{true, false} {
		h := newHarness(t, Options{Serial: serial})
		var running, peak atomic.Int32
		const n = 8
		gate := make(chan struct{})
		addProbe(h.srv, gate, &running, &peak)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", h.url+"/v1/probe/list", nil)
				req.Header.Set("Authorization", "Bearer "+h.user)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
		}
		if serial {
			// Let them through one by one; never more than one inside.
			for i := 0; i < n; i++ {
				gate <- struct{}{}
			}
		} else {
			// All n must be inside at once before any may leave.
			for running.Load() < n {
				runtimeGosched()
			}
			close(gate)
		}
		wg.Wait()
		if serial && peak.Load() != 1 {
			t.Errorf("serial: %d requests ran at once", peak.Load())
		}
		if !serial && peak.Load() != n {
			t.Errorf("parallel: peak %d", peak.Load())
		}
	}
}

func TestLatencyOptionStillAnswers(t *testing.T) {
	h := newHarness(t, Options{Latency: 2_000_000, Serial: true}) // 2ms
	h.expect("POST", "/v1/docker/list", h.user, nil, 200, []any{})
}
