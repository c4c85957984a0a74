// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxResponseBytes bounds what the client reads from one answer; a list of
// 10,000 images is about 7 MB.
const maxResponseBytes = 64 << 20

// request is one logical API call; send may make several HTTP attempts of it.
type request struct {
	method, path string
	body         []byte // nil: no body at all (no Content-Type, length 0)
	noAuth       bool   // login and refresh carry no Authorization header
	// once marks a non-idempotent call (create): after an attempt that may have
	// reached the server it is not retried here; CreateImage decides.
	once bool
	// quiet keeps the body out of the logs entirely (credentials, refresh token).
	quiet bool
	// hide lists secrets inside body (registry_password) to scrub from error text.
	hide []string
}

// writes reports whether req changes what the server holds in place (PATCH, PUT, DELETE):
// a 500 to it is the server failing on this very change, which it will most likely do again.
func (r *request) writes() bool {
	switch r.method {
	case http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// response is a complete answer: the body was read inside the attempt.
type response struct {
	status   int
	header   http.Header
	body     []byte
	attempts int
}

// attemptState follows one logical call through its attempts; the per-call
// retryablehttp.Client's hooks close over it.
type attemptState struct {
	c        *Client
	ctx      context.Context
	req      *request
	attempt  int
	lastErr  error
	lastBody []byte
	// failures counts the answers of status 500 so far.
	failures int
}

// send performs req with retries and back-off, and returns the last complete
// answer (any status) or an error: a *ConnectionError when no answer came, or a
// *canceledError when ctx ended first. token "" sends no Authorization header.
func (c *Client) send(ctx context.Context, req *request, token string) (*response, error) {
	st := &attemptState{c: c, ctx: ctx, req: req}
	rc := &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: &attemptTransport{base: c.transport, st: st},
			Timeout:   c.cfg.RequestTimeout,
			// The API never redirects; following one would turn a POST into a GET.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Logger:       retryLogger{ctx: ctx, log: c.log},
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     c.cfg.MaxRetries,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: st.giveUp,
	}
	var raw any
	if req.body != nil {
		raw = req.body
	}
	hreq, err := retryablehttp.NewRequestWithContext(ctx, req.method, c.host+req.path, raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", req.method, req.path, err)
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	hreq.Header.Set("Accept", "application/json")
	if req.body != nil {
		hreq.Header.Set("Content-Type", "application/json")
		if !req.quiet {
			c.log.Debug(ctx, "request body", map[string]any{"method": req.method, "path": req.path, "body": maskBody(req.body)})
		}
	}
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}

	c.inflight.Add(1)
	resp, err := rc.Do(hreq)
	if c.inflight.Add(-1) == 0 && c.reads != nil {
		c.reads.wake() // reads that waited for this request may go now
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, &canceledError{method: req.method, path: req.path, attempts: st.attempt, err: ctx.Err()}
		}
		return nil, &ConnectionError{
			Host: c.host, Method: req.method, Path: req.path, Attempts: st.attempt, Err: err,
			maybeSent: !nothingSent(err), perAttempt: c.cfg.RequestTimeout,
		}
	}
	_ = resp.Body.Close()
	return &response{status: resp.StatusCode, header: resp.Header, body: st.lastBody, attempts: st.attempt}, nil
}

// checkRetry is the retry policy: connection errors, 429 and 5xx (but 501) are
// retried; other statuses never. A create (once) is retried only when the
// failure proves the server did not process it: nothing could be sent
// (refused, DNS), 429, or 503 with Retry-After. A write's 500 is retried once:
// a gateway's 502, 503 and 504 pass, but a 500 is the application failing on
// the request (the real backend answers a (name, version) clash so), and five
// attempts with back-off only delay the message that says why.
//
// Once ctx has ended nothing is sent again; a complete answer that would not be
// retried anyway is still returned (a create that was allowed to finish, see
// attemptTransport), everything else gives ctx's error.
func (st *attemptState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, policyErr := st.retryPolicy(ctx, resp, err)
	if ctx.Err() != nil && (retry || err != nil) {
		return false, ctx.Err()
	}
	return retry, policyErr
}

// retryPolicy is checkRetry without regard to ctx having ended.
func (st *attemptState) retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		var tooLarge *bodyTooLargeError
		if errors.As(err, &tooLarge) || isHTTPToHTTPS(err) {
			return false, nil
		}
		if st.req.once && !nothingSent(err) {
			return false, nil
		}
		// The library's policy refuses certificate, scheme and redirect errors.
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return true, nil
	case code == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		return true, nil
	case st.req.once:
		return false, nil
	case code == http.StatusInternalServerError && st.req.writes():
		return st.failures < 2, nil
	case code >= 500 && code != http.StatusNotImplemented:
		return true, nil
	}
	return false, nil
}

// backoff picks the wait before the next attempt and logs the retry at Warn.
func (st *attemptState) backoff(lo, hi time.Duration, attemptNum int, resp *http.Response) time.Duration {
	wait := retryWait(lo, hi, attemptNum, resp, time.Now(), jitter)
	fields := map[string]any{
		"method":       st.req.method,
		"path":         st.req.path,
		"next_attempt": attemptNum + 2,
		"wait_ms":      wait.Milliseconds(),
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	} else if st.lastErr != nil {
		fields["error"] = briefNetError(st.lastErr, st.c.cfg.RequestTimeout)
	}
	st.c.log.Warn(st.ctx, "retrying UFDL API request", fields)
	return wait
}

// giveUp hands back the last complete answer when retries ran out on a status,
// and the error otherwise.
func (st *attemptState) giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err == nil {
		err = errors.New("request failed")
	}
	return nil, err
}

// retryAfterCap bounds how long a Retry-After header can make the client wait.
func retryAfterCap(hi time.Duration) time.Duration { return max(hi, time.Minute) }

// retryWait is the back-off: Retry-After when a 429/503 carries one (capped),
// else exponential from lo, capped at hi, with equal jitter (half fixed, half
// random) so that concurrent callers spread out.
func retryWait(lo, hi time.Duration, attemptNum int, resp *http.Response, now time.Time, rnd func(time.Duration) time.Duration) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, retryAfterCap(hi))
		}
	}
	wait := hi
	if attemptNum < 32 {
		if w := lo << attemptNum; w > 0 && w < hi {
			wait = w
		}
	}
	half := wait / 2
	return wait - half + rnd(half)
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// jitter returns a random duration in [0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// nothingSent says whether a transport error proves the request never reached
// the server: the connection could not be opened at all.
func nothingSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// attemptTransport reads each answer completely inside its attempt (so a
// connection dropped mid-body is a retryable failure, and the per-attempt
// timeout covers it) and logs one Debug line per attempt.
type attemptTransport struct {
	base http.RoundTripper
	st   *attemptState
}

func (t *attemptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	st := t.st
	// Nothing is sent once ctx has ended.
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	if st.req.once {
		// A create that has gone out is let finish, within the per-attempt timeout:
		// cutting it short would leave its outcome unknown while the server may still be
		// storing the image, and a look-up made then can come before the commit and miss
		// it (an image on the server, not in state).
		ctx, cancel := finishDespiteCancel(r.Context(), st.c.cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	st.attempt++
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		var body []byte
		body, err = readLimited(resp.Body, maxResponseBytes)
		_ = resp.Body.Close()
		if err == nil {
			resp.Body = io.NopCloser(bytes.NewReader(body))
			st.lastBody = body
		} else {
			resp = nil
		}
	}
	fields := map[string]any{
		"method":      st.req.method,
		"path":        st.req.path,
		"attempt":     st.attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		st.lastErr = err
		// http.Client's per-attempt timer may surface as a bare "request canceled".
		if errors.Is(r.Context().Err(), context.DeadlineExceeded) && st.ctx.Err() == nil {
			st.lastErr = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		fields["error"] = briefNetError(st.lastErr, st.c.cfg.RequestTimeout)
	} else {
		st.lastErr = nil
		fields["status"] = resp.StatusCode
		if resp.StatusCode == http.StatusInternalServerError {
			st.failures++
		}
		if !st.req.noAuth { // a login's password hashing says nothing of what a list costs
			st.c.lat.observe(time.Since(start))
		}
	}
	st.c.log.Debug(st.ctx, "UFDL API request", fields)
	return resp, err
}

// finishDespiteCancel is ctx without its cancellation but with its deadline (or,
// when it has none, one fallback from now).
func finishDespiteCancel(ctx context.Context, fallback time.Duration) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(fallback)
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %d MiB", e.limit>>20)
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &bodyTooLargeError{limit: limit}
	}
	return b, nil
}

// canceledError says ctx ended before the call completed.
type canceledError struct {
	method, path string
	attempts     int
	err          error
}

func (e *canceledError) Error() string {
	switch {
	case e.method == "":
		return fmt.Sprintf("renewing the UFDL session: %v", e.err)
	case e.attempts == 0:
		return fmt.Sprintf("%s %s: cancelled before it was sent (%v)", e.method, e.path, e.err)
	}
	return fmt.Sprintf("%s %s: %v", e.method, e.path, e.err)
}

func (e *canceledError) Unwrap() error { return e.err }

// call sends req (authenticated) and decodes a 2xx answer with decode; see check.
func (c *Client) call(ctx context.Context, req *request, want string, decode func([]byte) string) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	return c.check(req, resp, want, decode)
}

// check turns a non-2xx answer into an *APIError, and a 2xx answer that decode
// rejects, or that describes another object than the one the path names, into a
// *DecodeError naming what was wanted. decode returns "" when the body is good;
// nil decode accepts any body.
func (c *Client) check(req *request, resp *response, want string, decode func([]byte) string) error {
	if resp.status < 200 || resp.status > 299 {
		return c.apiError(req, resp)
	}
	if decode == nil {
		return nil
	}
	reason := decode(resp.body)
	if reason == "" {
		reason = answersForAnother(req.path, resp.body)
	}
	if reason != "" {
		return &DecodeError{
			Method: req.method, Path: req.path, Host: c.host, Status: resp.status, Want: want,
			Reason: c.secrets.scrub(reason, req.hide...),
		}
	}
	return nil
}
