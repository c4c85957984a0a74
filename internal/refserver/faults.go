// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind selects what an injected fault does.
type FaultKind int

const (
	// FaultStatus answers Status (503 when 0) with Body and ContentType
	// (application/json when Body is set and ContentType is not), plus
	// Retry-After in whole seconds when RetryAfter > 0, without processing
	// the request.
	FaultStatus FaultKind = iota
	// FaultDrop closes the connection without answering or processing.
	FaultDrop
	// FaultCommitThenDrop processes the request fully (a create commits), then
	// closes the connection without answering: the "lost response".
	FaultCommitThenDrop
	// FaultLatency sleeps Latency, then processes the request normally.
	FaultLatency
	// FaultBody processes the request, then replaces the answer with Status
	// (0 keeps the real one), ContentType and Body.
	FaultBody
)

// Fault is one injected misbehaviour. Faults are consulted in the order they
// were added; the first that matches a request and is not spent applies.
type Fault struct {
	Method      string // "" = any
	Route       string // route pattern without method, e.g. "/v1/docker/{pk}"; "" = any
	Kind        FaultKind
	Status      int
	RetryAfter  time.Duration
	Latency     time.Duration
	ContentType string
	Body        string
	Skip        int     // let this many matching requests pass first
	Times       int     // affect this many matching requests, then it is spent; 0 = unlimited
	Fraction    float64 // 0 = every matching request; else the probability per matching request
}

type faultState struct {
	Fault
	seen, hits int
}

type faultList struct {
	mu   sync.Mutex
	list []*faultState
}

func (fl *faultList) add(f Fault) {
	f.Route = strings.Replace(f.Route, "/v1/licenses/", "/v1/licences/", 1)
	if len(f.Route) > 1 {
		f.Route = strings.TrimSuffix(f.Route, "/")
	}
	fl.mu.Lock()
	fl.list = append(fl.list, &faultState{Fault: f})
	fl.mu.Unlock()
}

func (fl *faultList) clear() {
	fl.mu.Lock()
	fl.list = nil
	fl.mu.Unlock()
}

// pick returns the fault to apply to a request, if any, and consumes it.
func (fl *faultList) pick(method, route string) (Fault, bool) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	for _, f := range fl.list {
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.Route != "" && f.Route != route {
			continue
		}
		if f.seen < f.Skip {
			f.seen++
			continue
		}
		if f.Fraction > 0 && rand.Float64() >= f.Fraction {
			continue
		}
		f.hits++
		return f.Fault, true
	}
	return Fault{}, false
}

// faultResponse is the canned answer of FaultStatus and FaultBody.
func faultResponse(f Fault, served response) response {
	r := response{status: f.Status, ctype: f.ContentType, body: []byte(f.Body)}
	if r.status == 0 {
		r.status = served.status
	}
	if r.ctype == "" && f.Body != "" {
		r.ctype = contentJSON
	}
	if f.RetryAfter > 0 {
		secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
		r = r.with("Retry-After", strconv.FormatInt(secs, 10))
	}
	return r
}

// dropConnection closes the client's connection without an answer. HTTP/1
// connections are hijacked and closed; elsewhere the handler aborts, which
// makes net/http reset the stream.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// AddFault adds a fault after those already added.
func (s *Server) AddFault(f Fault) { s.faults.add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }
