package main

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"time"
)

// latencyLog is the request log of the reference server (Options.Log: one line per request,
// "METHOD /path status duration") or of the recording proxy, kept as durations for
// percentiles and the time spent per route.
type latencyLog struct {
	mu      sync.Mutex
	partial []byte
	all     []time.Duration // since the last reset
	byRoute map[string][]time.Duration
	ever    []time.Duration // since the start
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
	route := f[0] + " " + routeOf(f[1])
	l.all = append(l.all, d)
	l.ever = append(l.ever, d)
	l.byRoute[route] = append(l.byRoute[route], d)
}

func (l *latencyLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all, l.byRoute = nil, nil
}

type latencySummary struct {
	n                  int
	p50, p95, p99, max time.Duration // -1 when there were no requests
	total              time.Duration // all requests' durations added up
}

func (l *latencyLog) summary() latencySummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return summarise(l.all)
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
	out := make([]routeSummary, 0, len(l.byRoute))
	for r, ds := range l.byRoute {
		out = append(out, routeSummary{route: r, latencySummary: summarise(ds)})
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
	var total time.Duration
	for _, d := range s {
		total += d
	}
	return latencySummary{n: len(s), p50: rank(0.50), p95: rank(0.95), p99: rank(0.99), max: s[len(s)-1], total: total}
}
