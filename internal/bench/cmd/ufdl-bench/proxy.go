// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// recordingProxy stands between the provider and an external UFDL server (-host). It counts
// the provider's calls by the reference server's route keys ("POST /v1/docker/list", "GET
// /v1/docker/{pk}") and writes one line per request to log in the reference server's format
// ("METHOD /path status duration", the time until the answer was passed on), so that the
// bench reads both servers alike. It costs a loopback hop per request, well under a
// millisecond.
type recordingProxy struct {
	url string // where the provider is pointed
	log io.Writer
	hs  *http.Server

	// Recorder counts the calls (CallCounts, ResetCalls) as the reference server does.
	refserver.Recorder
}

// startProxy serves a reverse proxy to target on a loopback port.
func startProxy(target string, log io.Writer) (*recordingProxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("-host %q is not a URL such as http://127.0.0.1:8000", target)
	}
	tr, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("http.DefaultTransport is not an *http.Transport")
	}
	tr = tr.Clone()
	tr.MaxIdleConnsPerHost = 64 // terraform's -parallelism, not the default 2: no reconnects
	rp := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		Transport: tr,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "ufdl-bench proxy: "+err.Error(), http.StatusBadGateway)
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &recordingProxy{url: "http://" + ln.Addr().String(), log: log}
	p.hs = &http.Server{Handler: p.record(rp), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.hs.Serve(ln) }()
	return p, nil
}

// record counts a request on arrival, passes it on and logs its answer.
func (p *recordingProxy) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := p.Record(r.Method, r.URL.Path, nil)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		p.Finish(rec, sw.status)
		if p.log != nil {
			fmt.Fprintf(p.log, "%s %s %d %s\n", r.Method, r.URL.EscapedPath(), sw.status, time.Since(start).Round(time.Microsecond))
		}
	})
}

func (p *recordingProxy) close() { _ = p.hs.Close() }

// statusWriter remembers the status of the answer it passes on.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (the reverse proxy's flushes) reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
