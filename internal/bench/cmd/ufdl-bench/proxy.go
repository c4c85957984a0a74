package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
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

	mu    sync.Mutex
	calls map[string]int
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
	p := &recordingProxy{url: "http://" + ln.Addr().String(), log: log, calls: map[string]int{}}
	p.hs = &http.Server{Handler: p.record(rp), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.hs.Serve(ln) }()
	return p, nil
}

// record counts a request on arrival, passes it on and logs its answer.
func (p *recordingProxy) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		p.mu.Lock()
		p.calls[r.Method+" "+routeOf(r.URL.Path)]++
		p.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if p.log != nil {
			fmt.Fprintf(p.log, "%s %s %d %s\n", r.Method, r.URL.EscapedPath(), sw.status, time.Since(start).Round(time.Microsecond))
		}
	})
}

func (p *recordingProxy) close() { _ = p.hs.Close() }

// CallCounts returns a copy of every route key's count, as refserver.Server's does.
func (p *recordingProxy) CallCounts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.calls)
}

// ResetCalls zeroes the counters, as refserver.Server's does.
func (p *recordingProxy) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = map[string]int{}
}

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

// routeOf names a path as the reference server's route keys do: a numeric segment is {pk}
// (/v1/docker/12/ -> /v1/docker/{pk}), the argument of get-hardware-generation is {compute},
// /v1/licenses/ is /v1/licences/, and a trailing slash is dropped. Paths the reference server
// has no route for get the same treatment, where it would use the raw path, so that calls on
// different pks still add up.
func routeOf(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segs {
		switch {
		case i == 1 && segs[0] == "v1" && s == "licenses":
			segs[i] = "licences"
		case i == 3 && segs[2] == "get-hardware-generation" && s != "":
			segs[i] = "{compute}"
		case s != "" && strings.Trim(s, "0123456789") == "":
			segs[i] = "{pk}"
		}
	}
	return "/" + strings.Join(segs, "/")
}
