// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server is the reference server; it is an http.Handler.
type Server struct {
	opts        Options
	auth        *authority
	st          *store
	imageFields fieldSet[*image]
	routes      map[string]*route
	faults      faultList
	// Recorder counts and keeps the requests served (Calls, Requests, ...).
	Recorder

	serial        sync.Mutex // Options.Serial: one request at a time
	keepOnRefused atomic.Bool
	logMu         sync.Mutex
}

// New builds a server seeded with the real deployment's lookup tables (and,
// with Options.Samples, its 23 images), an admin and an ordinary user.
func New(opts Options) (*Server, error) {
	opts, err := opts.normalise()
	if err != nil {
		return nil, err
	}
	if opts.AdminPassword == "" {
		opts.AdminPassword = randomHex(12)
	}
	if opts.Password == "" {
		opts.Password = randomHex(12)
	}
	key := opts.SigningKey
	if len(key) == 0 {
		key = randomBytes(32)
	}
	s := &Server{
		opts: opts,
		auth: &authority{
			key:     append([]byte(nil), key...),
			access:  opts.AccessLifetime,
			refresh: opts.RefreshLifetime,
			users: []*user{
				{id: 1, name: opts.AdminUser, password: opts.AdminPassword, staff: true},
				{id: 2, name: opts.User, password: opts.Password},
			},
		},
		st:       newStore(),
		Recorder: Recorder{limit: opts.RecordLimit},
	}
	if err := seedTables(s.st.t); err != nil {
		return nil, err
	}
	s.imageFields = imageFields(s.st.t)
	if opts.Samples {
		if err := s.loadSamples(); err != nil {
			return nil, err
		}
	}
	s.buildRoutes()
	return s, nil
}

// Credentials returns the users' names and passwords (generated ones included).
func (s *Server) Credentials() (adminUser, adminPassword, user, password string) {
	return s.opts.AdminUser, s.opts.AdminPassword, s.opts.User, s.opts.Password
}

// ServeHTTP runs one request through the pipeline: body limit, recording,
// serial lock and latency, faults, authentication and permissions, the
// handler, and finally the answer (or a dropped connection) and a log line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rt, routeKey, pk, arg := s.routeFor(r.URL.Path)
	status := 0
	answered := false
	var rec *Request
	// answer records the status before the client can read the answer, so that a test
	// inspecting Requests() right after its call sees it, then writes the answer.
	answer := func(resp response) {
		status, answered = resp.status, true
		if rec != nil {
			s.Finish(rec, status)
			rec = nil
		}
		writeResponse(w, r, resp)
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // a deliberate drop (faults)
				if rec != nil {
					s.Finish(rec, 0)
				}
				s.logRequest(r, 0, start)
				panic(v)
			}
			s.logf("panic serving %s %s: %v\n%s", r.Method, r.URL.EscapedPath(), v, debug.Stack())
			if !answered {
				answer(detail(http.StatusInternalServerError, "Internal server error."))
			}
		}
		if rec != nil {
			s.Finish(rec, status)
		}
		s.logRequest(r, status, start)
	}()

	body, readErr := readBody(w, r, s.opts.MaxBodyBytes)
	rec = s.arrive(r.Method, routeKey, r.URL.Path, body)

	if s.opts.Serial {
		s.serial.Lock()
		defer s.serial.Unlock()
	}
	sleep(r.Context(), s.opts.Latency)

	process := func() response {
		if readErr != nil {
			return bodyError(readErr, s.opts.MaxBodyBytes)
		}
		return s.dispatch(r, rt, pk, arg, body)
	}
	var resp response
	f, faulty := s.faults.pick(r.Method, routeKey)
	switch {
	case !faulty:
		resp = process()
	case f.Kind == FaultStatus:
		resp = faultResponse(f, response{status: http.StatusServiceUnavailable})
	case f.Kind == FaultDrop:
		answered = true
		dropConnection(w)
		return
	case f.Kind == FaultCommitThenDrop:
		process()
		answered = true
		dropConnection(w)
		return
	case f.Kind == FaultLatency:
		sleep(r.Context(), f.Latency)
		resp = process()
	case f.Kind == FaultBody:
		resp = faultResponse(f, process())
	default:
		resp = process()
	}
	answer(resp)
}

// dispatch runs a request through the backend's steps. The token endpoints
// are plain DRF views: 405 for another method, then the handler. Every other
// route is one of the backend's view sets, which read (and log) the body
// first, then authenticate and check permissions, and fail with an unhandled
// error for a method they do not map; authentication comes before that only
// when the token is bad.
func (s *Server) dispatch(r *http.Request, rt *route, pk int64, arg string, body []byte) response {
	if rt == nil {
		if r.URL.Path == "/v1/" {
			return s.apiRoot(r)
		}
		return htmlNotFound()
	}
	if resp, ok := formatParam(r); !ok {
		return resp
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // DRF answers HEAD with its GET action
	}
	ep, mapped := rt.methods[method]
	if rt.open {
		if !mapped {
			return methodNotAllowed(r.Method, rt.allow)
		}
	}
	data, errResp := parseData(r, body)
	if errResp != nil {
		return *errResp
	}
	rq := &request{r: r, body: body, pk: pk, arg: arg, t: rt.t, data: data}
	if rt.open {
		return ep.fn(s, rq)
	}
	u, resp, ok := s.authenticate(r)
	if !ok {
		return resp
	}
	if !mapped {
		return htmlServerError()
	}
	if u == nil {
		return unauthorized(msgNotAuthenticated)
	}
	// 403, never 401, for a valid token without permission: clients
	// answer a 401 by refreshing and retrying.
	if (ep.perm == permAdmin && !u.staff) || ep.perm == permNone {
		return detail(http.StatusForbidden, msgForbidden)
	}
	rq.user = u
	return ep.fn(s, rq)
}

// formatParam applies DRF's ?format= override: json is the default, api is
// the browsable renderer the backend fails to render, others are unknown.
func formatParam(r *http.Request) (response, bool) {
	switch r.URL.Query().Get("format") {
	case "", "json":
		return response{}, true
	case "api":
		return htmlServerError(), false
	}
	return detail(http.StatusNotFound, msgNotFound), false
}

// apiRoot is DRF's router root: a link to each collection's list. The
// backend's router registers more collections than the catalog serves; the
// root names them all, as the backend does.
func (s *Server) apiRoot(r *http.Request) response {
	base := "http://" + r.Host + "/v1/"
	b := []byte{'{'}
	for i, name := range []string{"cuda", "datasets", "docker", "domains", "frameworks", "hardware", "job-contracts",
		"job-outputs", "job-templates", "job-types", "jobs", "licen[cs]es", "log", "models", "nodes",
		"pretrained-models", "projects", "teams", "users"} {
		link := name
		if name == "licen[cs]es" {
			link = "licences"
		}
		b = appendKey(b, name, i == 0)
		b = appendString(b, base+link+"/list")
	}
	return rawJSON(http.StatusOK, append(b, '}'))
}

var errBodyTooLarge = errors.New("request body too large")

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errBodyTooLarge
	}
	return body, err
}

func bodyError(err error, limit int64) response {
	if errors.Is(err, errBodyTooLarge) {
		return detail(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body too large: the limit is %d bytes.", limit))
	}
	return detail(http.StatusBadRequest, "Could not read the request body.")
}

func writeResponse(w http.ResponseWriter, r *http.Request, resp response) {
	h := w.Header()
	for _, kv := range resp.header {
		h.Set(kv[0], kv[1])
	}
	if resp.status == http.StatusNoContent {
		w.WriteHeader(resp.status)
		return
	}
	if resp.ctype != "" {
		h.Set("Content-Type", resp.ctype)
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// logRequest writes "METHOD /path status duration"; the path is escaped so a
// crafted path cannot forge log lines, and no header or body is ever logged.
func (s *Server) logRequest(r *http.Request, status int, start time.Time) {
	if s.opts.Log == nil {
		return
	}
	st := "-"
	if status != 0 {
		st = strconv.Itoa(status)
	}
	s.logf("%s %s %s %s", r.Method, r.URL.EscapedPath(), st, time.Since(start).Round(time.Microsecond))
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, format+"\n", args...)
}
