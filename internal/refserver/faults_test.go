// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// freshClient does not reuse connections, so that Go's transport never
// retries a request on its own after a dropped connection.
var freshClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func (h *harness) raw(method, path, token, body string) (*http.Response, error) {
	req, _ := http.NewRequest(method, h.url+path, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := freshClient.Do(req)
	if err == nil {
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func TestFaultStatusWithRetryAfter(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Method: "POST", Route: "/v1/docker/create", Kind: FaultStatus, Status: 503,
		RetryAfter: 1500 * time.Millisecond, Body: `{"detail":"busy"}`, Times: 1})
	st, b, hdr := h.doHeaders("POST", "/v1/docker/create", h.admin, yoloBody(), nil)
	if st != 503 || hdr.Get("Retry-After") != "2" || string(b) != `{"detail":"busy"}` || hdr.Get("Content-Type") != contentJSON {
		t.Fatalf("fault: %d %q %q %s", st, hdr.Get("Retry-After"), hdr.Get("Content-Type"), b)
	}
	// The request was not processed; the fault is spent.
	h.expect("POST", "/v1/docker/list", h.admin, nil, 200, []any{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, yoloResponse())
	reqs := h.srv.Requests()
	if reqs[0].Status != 503 || reqs[2].Status != 201 {
		t.Fatalf("recorded statuses %d, %d", reqs[0].Status, reqs[2].Status)
	}
}

func TestFaultSkipTimesAndMatching(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Method: "post", Route: "/v1/docker/list/", Kind: FaultStatus, Status: 429, Skip: 1, Times: 2})
	var got []int
	for i := 0; i < 5; i++ {
		st, _ := h.do("POST", "/v1/docker/list", h.user, nil)
		got = append(got, st)
		// Other routes and methods are not affected.
		h.expect("GET", "/v1/cuda/1", h.user, nil, 200, nil)
	}
	if want := []int{200, 429, 429, 200, 200}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}

	// Faults apply in the order added; a spent one lets the next apply.
	h.srv.AddFault(Fault{Route: "/v1/licenses/{pk}", Kind: FaultStatus, Status: 500, Times: 1})
	h.srv.AddFault(Fault{Route: "/v1/licences/{pk}", Kind: FaultStatus, Status: 502, Times: 1})
	h.expect("GET", "/v1/licenses/1", h.user, nil, 500, nil)
	h.expect("GET", "/v1/licences/1", h.user, nil, 502, nil)
	h.expect("GET", "/v1/licences/1", h.user, nil, 200, nil)

	h.srv.AddFault(Fault{Kind: FaultStatus, Status: 503})
	h.expect("GET", "/v1/cuda/1", h.user, nil, 503, nil)
	h.expect("POST", "/v1/auth/obtain", "", nil, 503, nil)
	h.srv.ClearFaults()
	h.expect("GET", "/v1/cuda/1", h.user, nil, 200, nil)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultFraction(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Route: "/v1/domains/{pk}", Kind: FaultStatus, Status: 503, Fraction: 0.5})
	faulted := 0
	const n = 200
	for i := 0; i < n; i++ {
		if st, _ := h.do("GET", "/v1/domains/1", h.user, nil); st == 503 {
			faulted++
		}
	}
	// The chance of either bound failing is below 2^-100.
	if faulted < 20 || faulted > n-20 {
		t.Fatalf("%d of %d requests faulted with fraction 0.5", faulted, n)
	}
}

func TestFaultDrop(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Method: "POST", Route: "/v1/docker/create", Kind: FaultDrop, Times: 1})
	if _, err := h.raw("POST", "/v1/docker/create", h.admin, string(mustJSON(yoloBody()))); err == nil {
		t.Fatal("dropped request got an answer")
	}
	// Not processed.
	if n := len(h.srv.Images()); n != 0 {
		t.Fatalf("%d images after a dropped create", n)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 1 || reqs[0].Status != 0 || reqs[0].Route != "/v1/docker/create" {
		t.Fatalf("recorded %+v", reqs)
	}
}

func TestFaultCommitThenDrop(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Method: "POST", Route: "/v1/docker/create", Kind: FaultCommitThenDrop, Times: 1})
	if _, err := h.raw("POST", "/v1/docker/create", h.admin, string(mustJSON(yoloBody()))); err == nil {
		t.Fatal("lost response arrived")
	}
	// The create committed.
	if im, ok := h.srv.Image(1); !ok || im["name"] != "yolo" {
		t.Fatalf("create did not commit: %v", im)
	}
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 400, nil) // now a duplicate
	if h.srv.Calls("POST /v1/docker/create") != 2 {
		t.Fatalf("calls %v", h.srv.CallCounts())
	}
}

func TestFaultLatencyAndBody(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.AddFault(Fault{Route: "/v1/docker/create", Kind: FaultLatency, Latency: time.Millisecond, Times: 1})
	h.srv.AddFault(Fault{Route: "/v1/docker/create", Kind: FaultBody, Status: 200, ContentType: "text/html", Body: "<html>oops", Times: 1})
	h.srv.AddFault(Fault{Route: "/v1/docker/create", Kind: FaultBody, Body: "{", Times: 1})
	// The latency fault delays but processes normally.
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, yoloResponse())
	// The garbage answer replaces a processed request.
	st, b, hdr := h.doHeaders("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "2"), nil)
	if st != 200 || string(b) != "<html>oops" || hdr.Get("Content-Type") != "text/html" {
		t.Fatalf("garbage answer: %d %q %s", st, hdr.Get("Content-Type"), b)
	}
	// Status 0 keeps the real status.
	st, b = h.do("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "3"))
	if st != 201 || string(b) != "{" {
		t.Fatalf("garbage with real status: %d %s", st, b)
	}
	if n := len(h.srv.Images()); n != 3 {
		t.Fatalf("%d images; FaultBody must process the request", n)
	}
}
