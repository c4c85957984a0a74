// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// benchServer is the server one measurement runs against: a reference server on a loopback
// port, or (-host) an external UFDL server behind a recording proxy. Either way its calls are
// counted by route key and its request log feeds the latency figures.
type benchServer struct {
	url            string // what the provider talks to: the reference server, or the proxy
	user, password string
	calls          callRecorder
	log            *latencyLog
	api            *catalogAPI       // the bench's own admin session, straight to the server
	ref            *refserver.Server // nil with -host
	close          func()
}

// callRecorder is what refserver.Server and recordingProxy both count calls with.
type callRecorder interface {
	CallCounts() map[string]int
	ResetCalls()
}

const benchPassword = "bench-admin"

func startServer(o options) (*benchServer, error) {
	if o.host != "" {
		return startExternal(o.host)
	}
	return startReference(o)
}

// startReference starts a reference server with the latency and serial options.
func startReference(o options) (*benchServer, error) {
	lat := &latencyLog{}
	ref, err := refserver.New(refserver.Options{
		AdminUser: "admin", AdminPassword: benchPassword, Latency: o.latency, Serial: o.serial, Profile: refserver.Profile(o.profile), Samples: o.samples,
		Log: lat, RecordLimit: 1, // the counters are enough; keep memory flat
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: ref, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	return &benchServer{url: url, user: "admin", password: benchPassword, calls: ref, log: lat, ref: ref,
		api: newCatalogAPI(url, "admin", benchPassword), close: func() { _ = hs.Shutdown(context.Background()) }}, nil
}

// startExternal puts a recording proxy in front of host; the admin credentials come from
// UFDL_USERNAME and UFDL_PASSWORD.
func startExternal(host string) (*benchServer, error) {
	user, password := os.Getenv("UFDL_USERNAME"), os.Getenv("UFDL_PASSWORD")
	if user == "" || password == "" {
		return nil, fmt.Errorf("-host %s: set UFDL_USERNAME and UFDL_PASSWORD (an admin user)", host)
	}
	lat := &latencyLog{}
	p, err := startProxy(host, lat)
	if err != nil {
		return nil, err
	}
	return &benchServer{url: p.url, user: user, password: password, calls: p, log: lat,
		api: newCatalogAPI(host, user, password), close: p.close}, nil
}

// describe names the server in the headline.
func describe(o options) string {
	if o.host != "" {
		return fmt.Sprintf("server %s through a recording proxy", o.host)
	}
	profile := o.profile
	if profile == "" {
		profile = string(refserver.ProfileDocumented)
	}
	return fmt.Sprintf("reference server (%s), latency %s, serial %t", profile, o.latency, o.serial)
}

// reset starts a new phase: counters and latencies from zero.
func (s *benchServer) reset() {
	s.calls.ResetCalls()
	s.log.reset()
}

// result combines a command's own figures with what the server saw during it.
func (s *benchServer) result(r runResult) phaseResult {
	counts := s.calls.CallCounts()
	p := phaseResult{wall: r.wall, counts: counts, latency: s.log.summary(), routes: s.log.routeSummaries(),
		providerPeak: r.providerPeak, terraformPeak: r.terraformPeak, cpu: r.cpu, providerCPU: r.providerCPU}
	for k, c := range counts {
		p.total += c
		if isImageCall(k) {
			p.imageCalls += c
		}
	}
	return p
}

func isImageCall(route string) bool {
	switch route {
	case "POST /v1/docker/create", "GET /v1/docker/{pk}", "PUT /v1/docker/{pk}", "PATCH /v1/docker/{pk}", "DELETE /v1/docker/{pk}":
		return true
	}
	return false
}
