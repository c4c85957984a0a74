// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"maps"
	"testing"
	"time"
)

func TestBusyByRoute(t *testing.T) {
	t0 := time.Now()
	at := func(route string, from, to int) span {
		return span{route: route, start: t0.Add(time.Duration(from) * time.Millisecond), end: t0.Add(time.Duration(to) * time.Millisecond)}
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for name, c := range map[string]struct {
		spans []span
		want  map[string]time.Duration
	}{
		// Three requests sent at once to a serial server, served 10 ms each: the waits are
		// not charged.
		"serial queue": {[]span{at("C", 0, 30), at("A", 0, 10), at("B", 0, 20)}, map[string]time.Duration{"A": ms(10), "B": ms(10), "C": ms(10)}},
		"idle gap":     {[]span{at("A", 0, 10), at("B", 40, 45)}, map[string]time.Duration{"A": ms(10), "B": ms(5)}},
		// In parallel, the one that ended first is charged its span, the other what it added.
		"parallel": {[]span{at("A", 50, 60), at("B", 55, 58)}, map[string]time.Duration{"A": ms(7), "B": ms(3)}},
		"nested over several": {[]span{at("A", 0, 5), at("B", 10, 15), at("C", 2, 20)},
			map[string]time.Duration{"A": ms(5), "B": ms(5), "C": ms(10)}},
		"touching": {[]span{at("A", 0, 10), at("B", 10, 20)}, map[string]time.Duration{"A": ms(10), "B": ms(10)}},
		"none":     {nil, map[string]time.Duration{}},
	} {
		if got := busyByRoute(c.spans); !maps.Equal(got, c.want) {
			t.Errorf("%s: busyByRoute = %v, want %v", name, got, c.want)
		}
	}
}

func TestLatencyLogBusyTime(t *testing.T) {
	l := &latencyLog{}
	if _, err := l.Write([]byte("POST /v1/docker/list 200 20ms\nGET /v1/docker/12 200 5ms\npanic serving x\n")); err != nil {
		t.Fatal(err)
	}
	s := l.summary()
	if s.n != 2 || s.busy <= 0 || s.busy > 25*time.Millisecond {
		t.Errorf("summary = %+v, want 2 requests busy for at most 25ms", s)
	}
	for _, r := range l.routeSummaries() {
		if r.route != "POST /v1/docker/list" && r.route != "GET /v1/docker/{pk}" {
			t.Errorf("unexpected route %q", r.route)
		}
	}
	l.reset()
	if s := l.summary(); s.n != 0 || s.busy != 0 {
		t.Errorf("after reset: %+v", s)
	}
}
