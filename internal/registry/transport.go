// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// baseTransport is the bottom of every request the checker makes, under the library's
// authentication: it bounds how many requests run at once, times out each attempt, retries
// 429 (after the Retry-After the registry asks for) and 5xx answers, and records the last
// answer into the operation's trace, from which the error messages are written.
type baseTransport struct {
	inner   http.RoundTripper
	sem     chan struct{}
	timeout time.Duration
	retries int
	maxWait time.Duration
	log     Logger
}

// trace is what one checker operation saw on the wire. It holds no header values beyond
// the few named here, and never an Authorization header.
type trace struct {
	mu       sync.Mutex
	last     answer
	timedOut bool
	attempts int
}

// answer is the part of a response the messages use.
type answer struct {
	method, path string
	status       int
	contentType  string
	challenge    string // scheme of WWW-Authenticate, e.g. "Basic" or "Bearer"
	retryAfter   time.Duration
}

type traceKey struct{}

func withTrace(ctx context.Context, t *trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

func traceOf(ctx context.Context) *trace {
	t, _ := ctx.Value(traceKey{}).(*trace)
	return t
}

func (t *trace) record(a answer) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.last = a
	t.attempts++
	t.mu.Unlock()
}

func (t *trace) markTimeout() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.timedOut = true
	t.mu.Unlock()
}

func (t *trace) snapshot() (answer, bool) {
	if t == nil {
		return answer{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last, t.timedOut
}

// errPlainHTTP refuses what the library would allow and Docker would not: plain HTTP to a
// registry outside the loopback range (the library also allows private addresses).
var errPlainHTTP = errors.New("plain HTTP to a registry outside 127.0.0.0/8")

// loopbackHost is Docker's default for insecure registries: 127.0.0.0/8 (and ::1, localhost).
func loopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (b *baseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !loopbackHost(req.URL.Hostname()) {
		return nil, errPlainHTTP
	}
	tr := traceOf(req.Context())
	// Only requests without a body can be sent again as they are (all of the checker's are).
	replayable := req.Body == nil || req.Body == http.NoBody
	for attempt := 0; ; attempt++ {
		resp, err := b.attempt(req, tr)
		if err != nil {
			return nil, err
		}
		wait, again := b.retryDelay(resp, attempt)
		if !again || !replayable {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		b.log.Debug(req.Context(), "registry request retried", map[string]any{
			"method": req.Method, "url": redactedURL(req), "status": resp.StatusCode, "wait_ms": wait.Milliseconds(),
		})
		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
	}
}

// attempt sends req once, holding one of the parallel slots until the answer's headers are in.
func (b *baseTransport) attempt(req *http.Request, tr *trace) (*http.Response, error) {
	ctx := req.Context()
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.sem }()

	actx, cancel := context.WithTimeout(ctx, b.timeout)
	start := time.Now()
	resp, err := b.inner.RoundTrip(req.Clone(actx))
	fields := map[string]any{"method": req.Method, "url": redactedURL(req), "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		cancel()
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			tr.markTimeout()
		}
		fields["error"] = err.Error()
		b.log.Debug(ctx, "registry request failed", fields)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	a := answer{
		method: req.Method, path: req.URL.Path, status: resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		retryAfter:  parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	if c := resp.Header.Get("WWW-Authenticate"); c != "" {
		a.challenge, _, _ = strings.Cut(strings.TrimSpace(c), " ")
	}
	tr.record(a)
	fields["status"] = resp.StatusCode
	b.log.Debug(ctx, "registry request", fields)
	return resp, nil
}

// retryDelay says whether to send a request again after resp, and after how long: 429 and
// 503 after the Retry-After they carry (when it is within maxWait), 429 and 5xx after a
// short back-off otherwise, at most b.retries times.
func (b *baseTransport) retryDelay(resp *http.Response, attempt int) (time.Duration, bool) {
	if attempt >= b.retries {
		return 0, false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		d := parseRetryAfter(ra, time.Now())
		if d > b.maxWait {
			return 0, false // the caller reports how long the registry asked to wait
		}
		return d, true
	}
	d := 200 * time.Millisecond << attempt
	return d/2 + rand.N(d/2+1), true
}

// parseRetryAfter reads a Retry-After value, in seconds or as an HTTP date; 0 when absent
// or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

// redactedURL is a request's address without its query (a token request's query names the
// account and scope asked for).
func redactedURL(req *http.Request) string {
	return req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
