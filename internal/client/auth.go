// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// session holds the JWT pair shared by every goroutine of a Client. gen counts
// renewals: a caller that saw a 401 with generation g renews only if nobody has
// renewed since g, so concurrent 401s cause one refresh.
type session struct {
	mu      sync.Mutex
	access  string
	refresh string
	gen     uint64
	renewAt time.Time // local time from which the access token is renewed before use; zero: only on 401
	flight  *tokenFlight
	now     func() time.Time
}

// tokenFlight is one renewal (refresh or login) in progress; joiners wait on done.
type tokenFlight struct {
	done   chan struct{}
	access string
	gen    uint64
	err    error
}

// Login obtains a fresh token pair now, checking the credentials. Errors are a
// *LoginError (refused), a *ConnectionError (unreachable) or an *APIError.
func (c *Client) Login(ctx context.Context) error {
	c.sess.mu.Lock()
	gen := c.sess.gen
	c.sess.mu.Unlock()
	_, _, err := c.renew(ctx, gen, true)
	return err
}

// token returns the access token to use, logging in first if there is none and
// renewing it first if it is about to expire.
func (c *Client) token(ctx context.Context) (string, uint64, error) {
	s := &c.sess
	s.mu.Lock()
	tok, gen := s.access, s.gen
	due := !s.renewAt.IsZero() && !s.now().Before(s.renewAt)
	s.mu.Unlock()
	switch {
	case tok == "":
		return c.renew(ctx, gen, true)
	case due:
		return c.renew(ctx, gen, false)
	}
	return tok, gen, nil
}

// renew replaces the access token of generation gen, once for all callers
// holding gen: the first starts the work, the others wait for it. It refreshes,
// and logs in again when the refresh token is rejected (or when login is set).
func (c *Client) renew(ctx context.Context, gen uint64, login bool) (string, uint64, error) {
	s := &c.sess
	for tries := 0; ; tries++ {
		s.mu.Lock()
		if s.access != "" && s.gen != gen {
			tok, g := s.access, s.gen
			s.mu.Unlock()
			return tok, g, nil
		}
		f := s.flight
		if f == nil {
			f = &tokenFlight{done: make(chan struct{})}
			s.flight = f
			refresh := s.refresh
			s.mu.Unlock()
			c.fly(ctx, f, refresh, login)
		} else {
			s.mu.Unlock()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return "", 0, &canceledError{err: ctx.Err()}
		}
		if f.err == nil {
			return f.access, f.gen, nil
		}
		// The goroutine that led the flight was cancelled, not this one: try again.
		var ce *canceledError
		if errors.As(f.err, &ce) && ctx.Err() == nil && tries < 3 {
			continue
		}
		return "", 0, f.err
	}
}

// fly performs one renewal and publishes its outcome to every waiter.
func (c *Client) fly(ctx context.Context, f *tokenFlight, refresh string, login bool) {
	var access, newRefresh string
	var err error
	if !login && refresh != "" {
		access, newRefresh, err = c.refreshAccess(ctx, refresh)
		var rej *refreshRejectedError
		switch {
		case err == nil:
			c.log.Debug(ctx, "UFDL access token refreshed", nil)
		case errors.As(err, &rej):
			c.log.Warn(ctx, "UFDL refresh token rejected; logging in again", map[string]any{"status": rej.api.Status})
			login = true
		}
	} else {
		login = true
	}
	if login {
		access, newRefresh, err = c.obtain(ctx)
		if err == nil {
			c.log.Info(ctx, "logged in to UFDL", map[string]any{"user": c.cfg.Username, "host": c.host})
		}
	}

	s := &c.sess
	s.mu.Lock()
	if err == nil {
		s.access = access
		if newRefresh != "" {
			s.refresh = newRefresh
		}
		s.gen++
		s.renewAt = renewTime(access, s.now())
	}
	f.access, f.gen, f.err = s.access, s.gen, err
	s.flight = nil
	s.mu.Unlock()
	close(f.done)
}

type tokenPair struct {
	Access  string `json:"access"`
	Refresh string `json:"refresh"`
}

// obtain logs in with the configured credentials.
func (c *Client) obtain(ctx context.Context) (string, string, error) {
	creds := map[string]string{"username": c.cfg.Username, "password": c.cfg.Password}
	return c.tokenRequest(ctx, "/v1/auth/obtain", creds, true, func(api *APIError) error {
		return &LoginError{User: c.cfg.Username, Detail: api.Message(), api: api}
	})
}

// refreshRejectedError: the server refused the refresh token (expired, or
// signed with a key it no longer has).
type refreshRejectedError struct{ api *APIError }

func (e *refreshRejectedError) Error() string { return "refresh token rejected: " + e.api.Error() }

// refreshAccess trades the refresh token for a new access token (and a new
// refresh token if the server rotates them).
func (c *Client) refreshAccess(ctx context.Context, refresh string) (string, string, error) {
	return c.tokenRequest(ctx, "/v1/auth/refresh", map[string]string{"refresh": refresh}, false, func(api *APIError) error {
		return &refreshRejectedError{api: api}
	})
}

// tokenRequest is the exchange login and refresh share: an unauthenticated, quiet
// POST of payload to path. A 400 or 401 is a refusal, which refused words as the
// caller's error; any other answer must hold an access token (and a refresh token
// too if pair is set). Every token received joins the secrets.
func (c *Client) tokenRequest(ctx context.Context, path string, payload map[string]string, pair bool, refused func(*APIError) error) (string, string, error) {
	body, err := marshalJSON(payload)
	if err != nil {
		return "", "", err
	}
	req := &request{method: http.MethodPost, path: path, body: body, noAuth: true, quiet: true}
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return "", "", err
	}
	if resp.status == http.StatusBadRequest || resp.status == http.StatusUnauthorized {
		return "", "", refused(c.apiError(req, resp))
	}
	want := "an access token"
	if pair {
		want = "a token pair"
	}
	var tp tokenPair
	if err := c.check(req, resp, want, func(b []byte) string {
		return decodeTokens(b, &tp, pair)
	}); err != nil {
		return "", "", err
	}
	c.secrets.add(tp.Access, tp.Refresh)
	return tp.Access, tp.Refresh, nil
}

// decodeTokens reads {access, refresh}; the refresh token is optional on refresh.
func decodeTokens(body []byte, tp *tokenPair, needRefresh bool) string {
	s := shape{required: []string{"access"}}
	if needRefresh {
		s.required = append(s.required, "refresh")
	}
	if reason := decodeObject(body, s, tp); reason != "" {
		return reason
	}
	if tp.Access == "" || (needRefresh && tp.Refresh == "") {
		return "a token is empty"
	}
	return ""
}

// do sends an authenticated call. On 401 it renews the token once (shared with
// every concurrent caller) and retries once; it never loops.
func (c *Client) do(ctx context.Context, req *request) (*response, error) {
	if req.noAuth {
		return c.send(ctx, req, "")
	}
	tok, gen, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, tok)
	if err != nil || resp.status != http.StatusUnauthorized {
		return resp, err
	}
	c.log.Debug(ctx, "UFDL access token rejected; renewing", map[string]any{"method": req.method, "path": req.path})
	tok, _, err = c.renew(ctx, gen, false)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, tok)
}

// renewTime is when to renew an access token before use: shortly before its own
// claims say it expires. The lifetime (exp - iat) is measured from the local
// receipt time, so clock skew between client and server does not matter. Tokens
// that are not JWTs with exp and iat are renewed only on 401.
func renewTime(access string, received time.Time) time.Time {
	parts := strings.Split(access, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp *float64 `json:"exp"`
		Iat *float64 `json:"iat"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil || claims.Iat == nil {
		return time.Time{}
	}
	lifetime := time.Duration((*claims.Exp - *claims.Iat) * float64(time.Second))
	if lifetime <= 0 {
		return time.Time{}
	}
	margin := min(lifetime/10, 30*time.Second)
	return received.Add(lifetime - margin)
}
