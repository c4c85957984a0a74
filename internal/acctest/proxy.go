// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// Proxy stands between the provider and the server of a test, on a loopback port. It records
// every request the way the reference server does (the same Recorder, the same route keys),
// so that tests asserting which calls the provider made run against a real deployment too,
// and it injects faults that only a network can: an answer lost after the server committed
// the request, a gateway's answer without forwarding, an outage. The reference server's own
// hooks reach only the reference server; the proxy's work in front of the real backend.
type Proxy struct {
	*refserver.Recorder
	URL string

	target    *url.URL
	transport http.RoundTripper

	mu     sync.Mutex
	faults []*proxyFault
	outage bool
}

// ProxyFaultKind is what a Fault does with a request it matches.
type ProxyFaultKind int

const (
	// ProxyForward forwards the request and passes the answer on: a fault only for its
	// hooks, e.g. a test that changes the server or interrupts terraform at that moment.
	ProxyForward ProxyFaultKind = iota
	// ProxyAnswer answers Status (with Body, ContentType and Retry-After) without forwarding:
	// the server never sees the request, as behind a gateway that refuses it.
	ProxyAnswer
	// ProxyDrop closes the connection without forwarding or answering.
	ProxyDrop
	// ProxyForwardThenDrop forwards the request, lets the server answer it (a write commits),
	// and closes the connection instead of passing the answer on: the lost answer.
	ProxyForwardThenDrop
)

// Fault is one misbehaviour of the proxy. Faults are consulted in the order they were added;
// the first that matches a request and is not spent applies.
type Fault struct {
	Method string // "" matches any
	Route  string // a route key as refserver.RouteKey gives it, e.g. "/v1/docker/{pk}"; "" matches any
	Kind   ProxyFaultKind
	Skip   int // let this many matching requests pass first
	Times  int // apply to this many matching requests, then it is spent; 0: unlimited

	// Status, ContentType, Body and RetryAfter are the answer of ProxyAnswer.
	Status      int
	ContentType string
	Body        string
	RetryAfter  time.Duration

	// Before runs when a matching request has arrived, before it is forwarded.
	Before func(*http.Request)
	// After runs when the server has answered a matching request, before the answer is
	// passed on or dropped; the request's context ends when the client gives up waiting.
	After func(*http.Request)
	// ThenOutage starts an outage once the fault has applied: every later request is dropped
	// without being forwarded, until EndOutage or ClearFaults.
	ThenOutage bool
}

type proxyFault struct {
	Fault
	seen, hits int
}

// NewProxy starts a proxy to the server at target (a base URL) for t, closed when t ends.
func NewProxy(t *testing.T, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(strings.TrimRight(target, "/"))
	if err != nil || u.Host == "" {
		t.Fatalf("proxy target %q is not a URL: %v", target, err)
	}
	p := &Proxy{Recorder: &refserver.Recorder{}, target: u, transport: http.DefaultTransport}
	hs := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(hs.Close)
	p.URL = hs.URL
	return p
}

// AddFault adds f after the faults already added.
func (p *Proxy) AddFault(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, &proxyFault{Fault: f})
}

// ClearFaults removes every fault and ends an outage.
func (p *Proxy) ClearFaults() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults, p.outage = nil, false
}

// StartOutage drops every request from now on, without forwarding it, until EndOutage.
func (p *Proxy) StartOutage() { p.setOutage(true) }

// EndOutage forwards requests again.
func (p *Proxy) EndOutage() { p.setOutage(false) }

func (p *Proxy) setOutage(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.outage = on
}

// Hits returns how many requests the faults added so far have applied to, in their order.
func (p *Proxy) Hits() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]int, len(p.faults))
	for i, f := range p.faults {
		out[i] = f.hits
	}
	return out
}

// pick returns the fault for a request, if any, and counts it; during an outage, a drop.
func (p *Proxy) pick(method, route string) (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.outage {
		return Fault{Kind: ProxyDrop}, true
	}
	for _, f := range p.faults {
		switch {
		case f.Times > 0 && f.hits >= f.Times:
		case f.Method != "" && !strings.EqualFold(f.Method, method):
		case f.Route != "" && f.Route != route:
		case f.seen < f.Skip:
			f.seen++
		default:
			f.hits++
			return f.Fault, true
		}
	}
	return Fault{}, false
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := p.Record(r.Method, r.URL.Path, body)
	f, faulty := p.pick(r.Method, rec.Route)
	if faulty && f.Before != nil {
		f.Before(r)
	}
	switch {
	case faulty && f.Kind == ProxyDrop:
		p.Finish(rec, 0)
		hangUp(w)
		return
	case faulty && f.Kind == ProxyAnswer:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
		}
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		p.Finish(rec, f.Status)
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		p.afterFault(f)
		return
	}
	resp, err := p.forward(r, body)
	if faulty && f.After != nil {
		f.After(r)
	}
	switch {
	case err != nil:
		p.Finish(rec, http.StatusBadGateway)
		http.Error(w, "acctest proxy: "+err.Error(), http.StatusBadGateway)
	case faulty && f.Kind == ProxyForwardThenDrop:
		p.Finish(rec, 0)
		hangUp(w)
	default:
		p.Finish(rec, resp.status)
		for k, v := range resp.header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	}
	if faulty {
		p.afterFault(f)
	}
}

func (p *Proxy) afterFault(f Fault) {
	if f.ThenOutage {
		p.StartOutage()
	}
}

type proxied struct {
	status int
	header http.Header
	body   []byte
}

// forward sends r to the target and reads the whole answer. A request the proxy has received
// is on its way: it reaches the server even when the client stops waiting meanwhile (Ctrl-C),
// as on a real network.
func (p *Proxy) forward(r *http.Request, body []byte) (*proxied, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Minute)
	defer cancel()
	u := *p.target
	u.Path = p.target.Path + r.URL.Path
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	if len(body) == 0 && r.ContentLength == 0 {
		out.Body, out.ContentLength = http.NoBody, 0
	}
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	h := resp.Header.Clone()
	h.Del("Content-Length")
	return &proxied{status: resp.StatusCode, header: h, body: b}, nil
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
