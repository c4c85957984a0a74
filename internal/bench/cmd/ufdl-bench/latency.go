// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// latencyLog is the request log of the reference server (Options.Log: one line per request,
// "METHOD /path status duration") or of the recording proxy, kept as durations for
// percentiles and as spans (a line is written as the answer goes out) for the server's busy
// time per route.
type latencyLog struct {
	mu      sync.Mutex
	partial []byte
	all     []time.Duration // since the last reset
	byRoute map[string][]time.Duration
	spans   []span          // since the last reset
	ever    []time.Duration // since the start
}

// span is one request's time in flight.
type span struct {
	route      string
	start, end time.Time
}

func (l *latencyLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.add(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
}

// add records one line; other lines (the server also logs recovered panics) are skipped.
func (l *latencyLog) add(line string) {
	f := strings.Fields(line)
	if len(f) != 4 || !strings.HasPrefix(f[1], "/") {
		return
	}
	d, err := time.ParseDuration(f[3])
	if err != nil {
		return
	}
	if l.byRoute == nil {
		l.byRoute = map[string][]time.Duration{}
	}
	route := f[0] + " " + refserver.RouteKey(f[1])
	end := time.Now()
	l.spans = append(l.spans, span{route: route, start: end.Add(-d), end: end})
	l.all = append(l.all, d)
	l.ever = append(l.ever, d)
	l.byRoute[route] = append(l.byRoute[route], d)
}

func (l *latencyLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all, l.byRoute, l.spans = nil, nil, nil
}

type latencySummary struct {
	n                  int
	p50, p95, p99, max time.Duration // -1 when there were no requests
	busy               time.Duration // the server's busy time (see busyByRoute)
}

// summary summarises the requests since the last reset, with the server's busy time.
func (l *latencyLog) summary() latencySummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := summarise(l.all)
	for _, d := range busyByRoute(l.spans) {
		s.busy += d
	}
	return s
}

// summaryEver summarises every request since the server started.
func (l *latencyLog) summaryEver() latencySummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return summarise(l.ever)
}

// routeSummaries returns the summary of every route since the last reset, busiest first.
func (l *latencyLog) routeSummaries() []routeSummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	busy := busyByRoute(l.spans)
	out := make([]routeSummary, 0, len(l.byRoute))
	for r, ds := range l.byRoute {
		rs := routeSummary{route: r, latencySummary: summarise(ds)}
		rs.busy = busy[r]
		out = append(out, rs)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].route < out[j].route
	})
	return out
}

type routeSummary struct {
	route string
	latencySummary
}

// busyByRoute splits the time in which the server had a request in flight among the routes:
// taken in the order they ended, each request is charged the part of its span that no request
// before it covered. The routes' shares add up to the server's busy time, at most the wall
// time; on a serial server (the real backend) each share is the time the server spent serving
// that route, waits in its queue excluded.
func busyByRoute(spans []span) map[string]time.Duration {
	s := slices.Clone(spans)
	sort.Slice(s, func(i, j int) bool { return s[i].end.Before(s[j].end) })
	busy := map[string]time.Duration{}
	var covered []span // disjoint, in order; none ends after the span at hand
	for _, sp := range s {
		charge, from := sp.end.Sub(sp.start), sp.start
		for len(covered) > 0 && !covered[len(covered)-1].end.Before(sp.start) {
			c := covered[len(covered)-1]
			if c.start.Before(from) {
				from = c.start
			}
			charge -= c.end.Sub(later(c.start, sp.start))
			covered = covered[:len(covered)-1]
		}
		covered = append(covered, span{start: from, end: sp.end})
		busy[sp.route] += max(charge, 0)
	}
	return busy
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// summarise computes nearest-rank percentiles.
func summarise(ds []time.Duration) latencySummary {
	if len(ds) == 0 {
		return latencySummary{p50: -1, p95: -1, p99: -1, max: -1}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return latencySummary{n: len(s), p50: rank(0.50), p95: rank(0.95), p99: rank(0.99), max: s[len(s)-1]}
}
