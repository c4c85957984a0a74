// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package registrytest holds the registries the tests check images against: an in-process
// fake (the Bearer token flow and the faults a real registry does not produce on demand)
// and Debian's docker-registry (distribution) run as a child process.
package registrytest

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Request is one request a registry received.
type Request struct {
	Method, Path string
	Status       int
	// Auth is the scheme of the Authorization header the request carried ("" without one).
	Auth string
	// At is when the answer went out (the fake's only; zero for Distribution).
	At time.Time
}

// Auth is how the fake wants clients to log in.
type Auth int

const (
	// Anonymous: every request is allowed.
	Anonymous Auth = iota
	// Basic: 401 with `WWW-Authenticate: Basic` unless the request has the right Basic credentials.
	Basic
	// Bearer: 401 with a Bearer challenge whose realm is the fake's own /token; the token
	// service wants Basic credentials (or none, for AnonymousPull) and grants pull scopes.
	Bearer
)

// Fault is an answer the fake gives instead of the registry's, to requests that match.
type Fault struct {
	Method       string // "" matches any
	PathContains string // "" matches any
	Status       int
	Header       map[string]string
	Body         string
	Delay        time.Duration // before answering (or before the real answer when Status is 0)
	Times        int           // how many requests it answers; 0 for all
}

// Fake is an in-process registry on a loopback port: go-containerregistry's in-memory
// registry behind the fake's authentication, faults and request log. Its blob store is a
// second server without authentication, where Redirect sends manifest requests and where
// tests push images.
type Fake struct {
	// Host is host:port, to put in image references.
	Host string
	// Store is the address of the unauthenticated server holding the same content.
	Store string

	auth          Auth
	user, pass    string
	anonymousPull bool

	mu          sync.Mutex
	inFlight    int
	maxInFlight int
	requests    []Request
	stored      []Request
	faults      []*Fault
	tokens      map[string]bool
	redirect    bool
}

// FakeOption configures a Fake.
type FakeOption func(*Fake)

// WithAuth makes the fake ask for credentials user and password with scheme a.
func WithAuth(a Auth, user, password string) FakeOption {
	return func(f *Fake) { f.auth, f.user, f.pass = a, user, password }
}

// WithAnonymousPull lets the Bearer token service issue pull tokens without credentials,
// as Docker Hub and GHCR do for public images.
func WithAnonymousPull() FakeOption { return func(f *Fake) { f.anonymousPull = true } }

// NewFake starts a fake registry for the life of t.
func NewFake(t TB, opts ...FakeOption) *Fake {
	t.Helper()
	f := &Fake{tokens: map[string]bool{}}
	for _, o := range opts {
		o(f)
	}
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.stored = append(f.stored, Request{Method: r.Method, Path: r.URL.Path, Auth: authScheme(r), At: time.Now()})
		f.mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(store.Close)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.inFlight++
		f.maxInFlight = max(f.maxInFlight, f.inFlight)
		f.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, fake: f, req: r}
		f.serve(rec, r, inner)
		rec.log() // answers without a body still get their line
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}))
	t.Cleanup(front.Close)
	f.Host = strings.TrimPrefix(front.URL, "http://")
	f.Store = strings.TrimPrefix(store.URL, "http://")
	return f
}

func authScheme(r *http.Request) string {
	s, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return s
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request, inner http.Handler) {
	if flt := f.fault(r); flt != nil {
		time.Sleep(flt.Delay)
		if flt.Status != 0 {
			for k, v := range flt.Header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(flt.Status)
			_, _ = w.Write([]byte(flt.Body))
			return
		}
	}
	if r.URL.Path == "/token" {
		f.token(w, r)
		return
	}
	if !f.authorized(r) {
		switch f.auth {
		case Basic:
			w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
		case Bearer:
			scope := ""
			if repo, _, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v2/"), "/manifests/"); ok {
				scope = fmt.Sprintf(`,scope="repository:%s:pull"`, repo)
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="http://%s/token",service="fake"%s`, r.Host, scope))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`))
		return
	}
	f.mu.Lock()
	redirect := f.redirect
	f.mu.Unlock()
	if redirect && strings.Contains(r.URL.Path, "/manifests/") {
		http.Redirect(w, r, "http://"+f.Store+r.URL.Path+"?signature=fake", http.StatusTemporaryRedirect)
		return
	}
	inner.ServeHTTP(w, r)
}

func (f *Fake) authorized(r *http.Request) bool {
	switch f.auth {
	case Basic:
		u, p, ok := r.BasicAuth()
		return ok && u == f.user && p == f.pass
	case Bearer:
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return false
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		// A token grants pull of every repository here; scopes are checked at issue time.
		return f.tokens[tok]
	}
	return true
}

// token is the Bearer token service: Basic credentials (or none when anonymous pulls are
// allowed) for a token.
func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	switch {
	case ok && u == f.user && p == f.pass:
	case !ok && f.anonymousPull:
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"invalid credentials"}]}`))
		return
	}
	if q, _ := url.ParseQuery(r.URL.RawQuery); !strings.HasSuffix(q.Get("scope"), ":pull") {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	tok := randomHex(16)
	f.mu.Lock()
	f.tokens[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"token":%q,"expires_in":300}`, tok)
}

func (f *Fake) fault(r *http.Request) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, flt := range f.faults {
		if (flt.Method == "" || flt.Method == r.Method) && strings.Contains(r.URL.Path, flt.PathContains) {
			if flt.Times > 0 {
				flt.Times--
				if flt.Times == 0 {
					f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
				}
			}
			return flt
		}
	}
	return nil
}

// Inject adds a fault; the first matching fault answers.
func (f *Fake) Inject(flt Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &flt)
}

// Redirect makes authorised manifest requests answer 307 to the blob store, as registries
// fronting a CDN or object store do.
func (f *Fake) Redirect(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.redirect = on
}

// Requests returns what the fake received, oldest first; Reset forgets it.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// StoreRequests returns what the blob store received from clients other than Push.
func (f *Fake) StoreRequests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.stored...)
}

// Tokens returns the Bearer tokens the fake issued, for tests that look for them in logs.
func (f *Fake) Tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.tokens))
	for t := range f.tokens {
		out = append(out, t)
	}
	return out
}

// MaxInFlight is the most requests the fake was answering at once.
func (f *Fake) MaxInFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInFlight
}

// Reset forgets the requests received so far.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests, f.stored = nil, nil
}

// statusRecorder logs a request with its status as the answer's headers go out, so that a
// client holding an answer finds its request in the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	fake   *Fake
	req    *http.Request
	logged bool
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.log()
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.logged {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) log() {
	if s.logged {
		return
	}
	s.logged = true
	s.fake.mu.Lock()
	s.fake.requests = append(s.fake.requests, Request{Method: s.req.Method, Path: s.req.URL.Path, Status: s.status, Auth: authScheme(s.req), At: time.Now()})
	s.fake.mu.Unlock()
}

// TB is the part of testing.TB the helpers use, so that the benchmark command can run a
// fake too.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}
