// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRetriesExhaustedGiveLastStatus(t *testing.T) {
	f := newFake(t)
	f.intercept("GET", "/v1/docker/{pk}", -1, status(502, "text/html", "<html><title>502 Bad Gateway</title></html>"))
	c := f.client(func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetImage(context.Background(), 5)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 502 {
		t.Fatalf("got %v, want APIError 502", err)
	}
	if got, want := err.Error(), atHost("GET /v1/docker/5: 502 Bad Gateway", f.srv.URL); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	f.wantCalls("GET /v1/docker/{pk}", 3, "(1 + MaxRetries 2)")
}

// A write answered 500 fails on the second answer: the real backend answers a (name, version)
// clash on PATCH so, and four more attempts with back-off only delay the error. Reads and a
// gateway's 502 keep every retry.
func TestServerErrorOfAWriteIsRetriedOnce(t *testing.T) {
	ctx := context.Background()
	page := status(500, "text/html", "<html><head><title>Server Error (500)</title></head></html>")
	for _, tc := range []struct {
		name, method string
		answer       handler
		send         func(c *Client, pk int64) error
		calls        int
	}{
		{"PATCH 500", "PATCH", page, func(c *Client, pk int64) error {
			_, err := c.PatchImage(ctx, pk, ImageSpec{Name: "taken"}, []string{FieldName})
			return err
		}, 2},
		{"PUT 500", "PUT", page, func(c *Client, pk int64) error {
			_, err := c.ReplaceImage(ctx, pk, yoloSpec())
			return err
		}, 2},
		{"DELETE 500", "DELETE", page, func(c *Client, pk int64) error { return c.DeleteImage(ctx, pk) }, 2},
		{"GET 500", "GET", page, func(c *Client, pk int64) error {
			_, err := c.GetImage(ctx, pk)
			return err
		}, 5},
		{"PATCH 502", "PATCH", status(502, "text/html", "<html><title>502 Bad Gateway</title></html>"), func(c *Client, pk int64) error {
			_, err := c.PatchImage(ctx, pk, ImageSpec{CPU: true}, []string{FieldCPU})
			return err
		}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			pk := f.put(yoloSpec())
			f.intercept(tc.method, "/v1/docker/{pk}", -1, tc.answer)
			err := tc.send(f.client(), pk)
			if !IsServerError(err) {
				t.Fatalf("got %v, want the server's error", err)
			}
			f.wantCalls(tc.method+" /v1/docker/{pk}", tc.calls)
		})
	}
}

func TestRetry429WithRetryAfter(t *testing.T) {
	f := newFake(t)
	pk := f.put(yoloSpec())
	f.intercept("GET", "/v1/docker/{pk}", 1, status(429, "application/json", `{"detail":"Request was throttled."}`, "Retry-After", "0"))
	log := &captureLogger{}
	c := f.client(func(cfg *Config) { cfg.Logger = log })
	if _, err := c.GetImage(context.Background(), pk); err != nil {
		t.Fatal(err)
	}
	f.wantCalls("GET /v1/docker/{pk}", 2)
	var warned bool
	for _, l := range log.all() {
		if l.level == "warn" && l.msg == "retrying UFDL API request" && l.fields["status"] == 429 && l.fields["wait_ms"] == int64(0) {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no Warn line for the 429 retry with wait 0 (Retry-After: 0):\n%s", log.text())
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	for _, code := range []int{400, 403, 404, 409, 422} {
		f := newFake(t)
		f.intercept("GET", "/v1/docker/{pk}", -1, status(code, "application/json", `{"detail":"no"}`))
		c := f.client()
		_, err := c.GetImage(context.Background(), 9)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != code {
			t.Errorf("%d: got %v", code, err)
		}
		if n := f.count("GET /v1/docker/{pk}"); n != 1 {
			t.Errorf("%d: GET calls = %d, want 1", code, n)
		}
	}
}

func TestNotFoundPredicate(t *testing.T) {
	f := newFake(t)
	c := f.client()
	_, err := c.GetImage(context.Background(), 42)
	if !IsNotFound(err) || IsForbidden(err) || IsBadRequest(err) || IsUnauthorized(err) {
		t.Fatalf("predicates wrong for %v", err)
	}
	if got, want := err.Error(), atHost("GET /v1/docker/42: 404 Not Found: Not found.", f.srv.URL); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	f.wantCalls("GET /v1/docker/{pk}", 1)
}

// Faults that pass are retried until the request succeeds: 503s, and dropped
// connections on idempotent requests, even on a PATCH the server committed.
func TestRetriedUntilSuccess(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		method string // the request the faults meet
		faults int
		fault  handler
		send   func(c *Client, pk int64) (*Image, error)
		ok     func(img *Image, pk int64) bool
		calls  int
		why    string
	}{
		{
			name: "503s", method: "GET", faults: 3, fault: status(503, "text/plain", "busy"),
			send:  func(c *Client, pk int64) (*Image, error) { return c.GetImage(ctx, pk) },
			ok:    func(img *Image, pk int64) bool { return img.PK == pk && img.Name == "yolo" },
			calls: 4, why: "(three 503s, then 200)",
		},
		{
			name: "dropped connection", method: "GET", faults: 2, fault: drop,
			send:  func(c *Client, pk int64) (*Image, error) { return c.GetImage(ctx, pk) },
			ok:    func(img *Image, pk int64) bool { return img.PK == pk },
			calls: 3,
		},
		{
			name: "dropped connection on an idempotent write", method: "PATCH", faults: 1, fault: commitThenDrop,
			send: func(c *Client, pk int64) (*Image, error) {
				spec := yoloSpec()
				spec.CPU = true
				return c.PatchImage(ctx, pk, spec, []string{FieldCPU})
			},
			ok:    func(img *Image, _ int64) bool { return img.CPU },
			calls: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			pk := f.put(yoloSpec())
			f.intercept(tc.method, "/v1/docker/{pk}", tc.faults, tc.fault)
			img, err := tc.send(f.client(), pk)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.ok(img, pk) {
				t.Errorf("got %+v", img)
			}
			f.wantCalls(tc.method+" /v1/docker/{pk}", tc.calls, tc.why)
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, err := New(Config{Host: "http://" + addr, Username: "admin", Password: testPassword,
		MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(context.Background())
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("got %T %v, want *ConnectionError", err, err)
	}
	want := "cannot reach the UFDL server at http://" + addr + " (POST /v1/auth/obtain, 3 attempts): connection refused"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
	if ce.maybeSent {
		t.Error("a refused connection cannot have sent anything")
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.intercept("GET", "/v1/docker/{pk}", -1, func(_ *fake, _ http.ResponseWriter, r *http.Request, _ []byte) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	})
	c := f.loggedIn(func(cfg *Config) { cfg.RequestTimeout = 20 * time.Millisecond; cfg.MaxRetries = 1 })
	_, err := c.GetImage(context.Background(), 3)
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "(GET /v1/docker/3, 2 attempts): no answer within 20ms") {
		t.Errorf("error = %q", err)
	}
	f.wantCalls("GET /v1/docker/{pk}", 2)
}

func TestContextCancelStopsRetries(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	// The server cancels the caller on the second attempt, then keeps failing.
	f.intercept("GET", "/v1/docker/{pk}", -1, func(f *fake, w http.ResponseWriter, r *http.Request, b []byte) bool {
		if f.count("GET /v1/docker/{pk}") == 2 {
			cancel()
		}
		return status(503, "", "")(f, w, r, b)
	})
	c := f.client(func(cfg *Config) { cfg.MaxRetries = 50 })
	_, err := c.GetImage(ctx, 3)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	f.wantCalls("GET /v1/docker/{pk}", 2, "(no attempt after cancellation)")
}

func TestHeadersAndBodylessList(t *testing.T) {
	f := newFake(t)
	c := f.client()
	if _, err := c.ListImages(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	last := f.headers[len(f.headers)-1]
	if got := last.Get("User-Agent"); got != "client-test/1.0" {
		t.Errorf("User-Agent = %q", got)
	}
	if got := last.Get("Content-Type"); got != "" {
		t.Errorf("list without filter sent Content-Type %q", got)
	}
	if !strings.HasPrefix(last.Get("Authorization"), "Bearer acc-") {
		t.Errorf("Authorization = %q", last.Get("Authorization"))
	}
	if got := f.bodies["POST /v1/docker/list"]; len(got) != 1 || got[0] != "" {
		t.Errorf("list bodies = %q, want one empty body", got)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	f := newFake(t)
	f.intercept("GET", "/v1/docker/{pk}", -1, status(301, "", "", "Location", "https://elsewhere.example/v1/docker/4"))
	c := f.client()
	_, err := c.GetImage(context.Background(), 4)
	want := atHost("GET /v1/docker/4: 301 Moved Permanently: redirected to https://elsewhere.example/v1/docker/4; the client does not follow redirects, check the host URL", f.srv.URL)
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	noJitter := func(time.Duration) time.Duration { return 0 }
	fullJitter := func(d time.Duration) time.Duration { return d }
	resp := func(code int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	lo, hi := 100*time.Millisecond, 2*time.Second
	for _, tc := range []struct {
		name    string
		attempt int
		resp    *http.Response
		rnd     func(time.Duration) time.Duration
		want    time.Duration
	}{
		{"first, no jitter", 0, nil, noJitter, 50 * time.Millisecond},
		{"first, full jitter", 0, nil, fullJitter, 100 * time.Millisecond},
		{"third", 2, nil, fullJitter, 400 * time.Millisecond},
		{"capped", 10, nil, fullJitter, 2 * time.Second},
		{"huge attempt", 200, nil, noJitter, time.Second},
		{"429 seconds", 0, resp(429, "7"), noJitter, 7 * time.Second},
		{"503 seconds", 3, resp(503, "0"), fullJitter, 0},
		{"429 date", 0, resp(429, now.Add(9*time.Second).Format(http.TimeFormat)), noJitter, 9 * time.Second},
		{"429 past date", 0, resp(429, now.Add(-time.Hour).Format(http.TimeFormat)), noJitter, 0},
		{"429 capped at a minute", 0, resp(429, "3600"), noJitter, time.Minute},
		{"429 garbage", 1, resp(429, "soon"), fullJitter, 200 * time.Millisecond},
		{"429 negative", 1, resp(429, "-5"), fullJitter, 200 * time.Millisecond},
		{"500 ignores Retry-After", 0, resp(500, "30"), fullJitter, 100 * time.Millisecond},
	} {
		if got := retryWait(lo, hi, tc.attempt, tc.resp, now, tc.rnd); got != tc.want {
			t.Errorf("%s: wait = %s, want %s", tc.name, got, tc.want)
		}
	}
	for i := 0; i < 200; i++ {
		if w := retryWait(lo, hi, 1, nil, now, jitter); w < 100*time.Millisecond || w > 200*time.Millisecond {
			t.Fatalf("jittered wait %s outside [100ms, 200ms]", w)
		}
	}
}

func TestCheckRetryPolicy(t *testing.T) {
	ctx := context.Background()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	r := func(code int, h ...string) *http.Response {
		hdr := http.Header{}
		for i := 0; i+1 < len(h); i += 2 {
			hdr.Set(h[i], h[i+1])
		}
		return &http.Response{StatusCode: code, Header: hdr}
	}
	for _, tc := range []struct {
		name   string
		once   bool
		method string // "" is GET
		// failures is how many 500s came before, this answer included.
		failures int
		resp     *http.Response
		err      error
		want     bool
	}{
		{name: "read 503", resp: r(503), want: true},
		{name: "read 500", failures: 1, resp: r(500), want: true},
		{name: "read 501", resp: r(501), want: false},
		{name: "read 429", resp: r(429), want: true},
		{name: "read 400", resp: r(400), want: false},
		{name: "read 401", resp: r(401), want: false},
		{name: "read 200", resp: r(200), want: false},
		{name: "read reset", err: reset, want: true},
		{name: "read refused", err: refused, want: true},
		{name: "create 500", once: true, failures: 1, resp: r(500), want: false},
		{name: "create 503", once: true, resp: r(503), want: false},
		{name: "create 503 Retry-After", once: true, resp: r(503, "Retry-After", "1"), want: true},
		{name: "create 429", once: true, resp: r(429), want: true},
		{name: "create reset", once: true, err: reset, want: false},
		{name: "create refused", once: true, err: refused, want: true},
		{name: "PATCH 500, the first", method: "PATCH", failures: 1, resp: r(500), want: true},
		{name: "PATCH 500, the second", method: "PATCH", failures: 2, resp: r(500), want: false},
		{name: "PUT 500, the second", method: "PUT", failures: 2, resp: r(500), want: false},
		{name: "DELETE 500, the second", method: "DELETE", failures: 2, resp: r(500), want: false},
		{name: "read 500, the fifth", failures: 5, resp: r(500), want: true},
		{name: "list 500, the third", method: "POST", failures: 3, resp: r(500), want: true},
		{name: "PATCH 502, after two 500s", method: "PATCH", failures: 2, resp: r(502), want: true},
		{name: "PATCH 503, after two 500s", method: "PATCH", failures: 2, resp: r(503), want: true},
		{name: "PATCH 503 Retry-After", method: "PATCH", failures: 2, resp: r(503, "Retry-After", "1"), want: true},
		{name: "PATCH 429", method: "PATCH", failures: 2, resp: r(429), want: true},
		{name: "PATCH reset", method: "PATCH", failures: 2, err: reset, want: true},
	} {
		method := tc.method
		if method == "" {
			method = http.MethodGet
		}
		st := &attemptState{req: &request{method: method, once: tc.once}, failures: tc.failures}
		got, _ := st.checkRetry(ctx, tc.resp, tc.err)
		if got != tc.want {
			t.Errorf("%s: retry = %v, want %v", tc.name, got, tc.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	st := &attemptState{req: &request{}}
	if retry, err := st.checkRetry(cancelled, r(503), nil); retry || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: retry=%v err=%v", retry, err)
	}
}

func TestTLS(t *testing.T) {
	f := newFake(t)
	srv := httptest.NewUnstartedServer(f.srv.Config.Handler)
	srv.Config.ErrorLog = stdlog.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := func(mod func(*Config)) Config {
		c := Config{Host: srv.URL, Username: testUser, Password: testPassword, MaxRetries: 3,
			RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond}
		mod(&c)
		return c
	}
	ctx := context.Background()

	c, err := New(cfg(func(*Config) {}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(ctx)
	var ce *ConnectionError
	if !errors.As(err, &ce) || ce.Attempts != 1 || !strings.Contains(err.Error(), "TLS certificate not accepted: x509: certificate signed by unknown authority") {
		t.Errorf("unknown CA: %v (a certificate error is not retried)", err)
	}

	c, _ = New(cfg(func(c *Config) { c.CACertPEM = certPEM }))
	if err := c.Login(ctx); err != nil {
		t.Errorf("with the CA bundle: %v", err)
	}

	c, _ = New(cfg(func(c *Config) { c.InsecureSkipVerify = true }))
	if err := c.Login(ctx); err != nil {
		t.Errorf("insecure: %v", err)
	}

	c, _ = New(cfg(func(c *Config) { c.Host = f.srv.URL; c.Host = strings.Replace(c.Host, "http://", "https://", 1) }))
	err = c.Login(ctx)
	if !errors.As(err, &ce) || ce.Attempts != 1 || !strings.Contains(err.Error(), "the server did not answer TLS (does the host need http:// instead of https://?)") {
		t.Errorf("https to an http server: %v", err)
	}
}
