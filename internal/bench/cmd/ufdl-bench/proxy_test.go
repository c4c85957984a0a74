// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestProxyKeysLikeReferenceServer puts the proxy in front of a reference server and checks,
// request by request, that both count it under the same route key, and that the proxy logs
// it for the latency figures.
func TestProxyKeysLikeReferenceServer(t *testing.T) {
	ref, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(ref)
	defer hs.Close()
	lat := &latencyLog{}
	p, err := startProxy(hs.URL, lat)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	requests := []string{
		"POST /v1/auth/obtain", "POST /v1/auth/refresh", "POST /v1/docker/list", "POST /v1/docker/list/",
		"POST /v1/docker/create", "GET /v1/docker/12", "GET /v1/docker/12/", "PUT /v1/docker/3",
		"PATCH /v1/docker/3", "DELETE /v1/docker/7", "POST /v1/cuda/list", "GET /v1/cuda/2",
		"POST /v1/frameworks/list", "POST /v1/hardware/list", "POST /v1/licences/list",
		"POST /v1/licenses/list", "GET /v1/licenses/4/", "PATCH /v1/licences/4/subdescriptors",
		"POST /v1/domains/list", "POST /v1/job-contracts/list", "DELETE /v1/frameworks/5",
		"GET /v1/hardware/get-hardware-generation/7.5",
	}
	for _, r := range requests {
		method, path, _ := strings.Cut(r, " ")
		ref.ResetCalls()
		p.ResetCalls()
		req, err := http.NewRequest(method, p.url+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s through the proxy: %v", r, err)
		}
		resp.Body.Close()
		want := ref.CallCounts()
		if got := p.CallCounts(); !maps.Equal(got, want) {
			t.Errorf("%s: the proxy counted %v, the reference server %v", r, got, want)
		}
		if key := method + " " + refserver.RouteKey(path); want[key] != 1 {
			t.Errorf("%s: the reference server's key is not %q: %v", r, key, want)
		}
	}
	if got := lat.summaryEver().n; got != len(requests) {
		t.Errorf("the proxy logged %d requests, want %d", got, len(requests))
	}
}

func TestProxyRefusesABadHost(t *testing.T) {
	for _, host := range []string{"", "127.0.0.1:8000", "ftp://example.com", "http://"} {
		if p, err := startProxy(host, nil); err == nil {
			p.close()
			t.Errorf("startProxy(%q) did not fail", host)
		}
	}
}
