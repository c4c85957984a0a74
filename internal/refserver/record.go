// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"maps"
	"sync"
)

// Request is one recorded request: Route is the route pattern (e.g.
// "/v1/docker/{pk}"), Path the path as sent, Body the body as received and
// Status the answer (0 when the connection was dropped without one).
type Request struct {
	Method, Route, Path string
	Status              int
	Body                []byte
}

// Recorder counts calls per route key ("GET /v1/docker/{pk}") and keeps every
// request in arrival order, for tests and benchmarks that assert how many calls a
// client made. The reference server has one; a proxy in front of another server
// uses one to count the same way. The zero value is ready to use.
type Recorder struct {
	mu    sync.Mutex
	calls map[string]int
	reqs  []*Request
	limit int // requests kept at most, the oldest dropped first; 0 keeps all
}

// RouteKey names a path as the reference server's counters do: the route
// pattern it maps to (both spellings of licences, with or without a trailing
// slash, give one key), or the path itself when it maps to none.
func RouteKey(path string) string {
	if pattern, _, _ := canonicalRoute(path); pattern != "" {
		return pattern
	}
	return path
}

// Record records a request under its path's route key; Finish records its answer.
func (rc *Recorder) Record(method, path string, body []byte) *Request {
	return rc.arrive(method, RouteKey(path), path, body)
}

func (rc *Recorder) arrive(method, route, path string, body []byte) *Request {
	req := &Request{Method: method, Route: route, Path: path, Body: body}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.calls == nil {
		rc.calls = map[string]int{}
	}
	rc.calls[method+" "+route]++
	if rc.limit > 0 && len(rc.reqs) >= rc.limit {
		rc.reqs[0] = nil
		rc.reqs = rc.reqs[1:]
	}
	rc.reqs = append(rc.reqs, req)
	return req
}

// Finish records the status of the answer to req (0: dropped without one).
func (rc *Recorder) Finish(req *Request, status int) {
	rc.mu.Lock()
	req.Status = status
	rc.mu.Unlock()
}

// Calls returns how many requests arrived for a route key such as
// "GET /v1/docker/{pk}" or "POST /v1/docker/list".
func (rc *Recorder) Calls(route string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.calls[route]
}

// CallCounts returns a copy of every route key's count.
func (rc *Recorder) CallCounts() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return maps.Clone(rc.calls)
}

// ResetCalls zeroes the counters and forgets the recorded requests.
func (rc *Recorder) ResetCalls() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls = map[string]int{}
	rc.reqs = nil
}

// Requests returns every recorded request in arrival order.
func (rc *Recorder) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]Request, len(rc.reqs))
	for i, r := range rc.reqs {
		out[i] = *r
	}
	return out
}
