package acctest

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// recordingProxy stands between the provider and an external server and records every
// request the way the reference server does, so that tests asserting which calls the
// provider made run against a real deployment too.
type recordingProxy struct {
	mu    sync.Mutex
	calls map[string]int
	reqs  []*refserver.Request
}

// startRecordingProxy serves a reverse proxy to target on a loopback port for t.
func startRecordingProxy(t *testing.T, target string) (*recordingProxy, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("UFDL_HOST %q is not a URL: %v", target, err)
	}
	p := &recordingProxy{calls: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		if rec, ok := resp.Request.Context().Value(recordKey{}).(*refserver.Request); ok {
			p.finish(rec, resp.StatusCode)
		}
		return nil
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if rec, ok := r.Context().Value(recordKey{}).(*refserver.Request); ok {
			p.finish(rec, http.StatusBadGateway)
		}
		http.Error(w, "acctest proxy: "+err.Error(), http.StatusBadGateway)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := p.arrive(r.Method, r.URL.Path, body)
		r = r.WithContext(context.WithValue(r.Context(), recordKey{}, rec))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return p, hs.URL
}

type recordKey struct{}

func (p *recordingProxy) arrive(method, path string, body []byte) *refserver.Request {
	rec := &refserver.Request{Method: method, Route: routeOf(path), Path: path, Body: body}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[method+" "+rec.Route]++
	p.reqs = append(p.reqs, rec)
	return rec
}

func (p *recordingProxy) finish(rec *refserver.Request, status int) {
	p.mu.Lock()
	rec.Status = status
	p.mu.Unlock()
}

func (p *recordingProxy) count(route string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[route]
}

func (p *recordingProxy) counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.calls)
}

func (p *recordingProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = map[string]int{}
	p.reqs = nil
}

func (p *recordingProxy) requests() []refserver.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]refserver.Request, len(p.reqs))
	for i, r := range p.reqs {
		out[i] = *r
	}
	return out
}

// routePatterns name paths as the reference server's route keys do ("/v1/docker/{pk}"),
// both spellings of licences as one.
var routePatterns = []struct {
	re          *regexp.Regexp
	replacement string
}{
	{regexp.MustCompile(`^/v1/licenses/`), "/v1/licences/"},
	{regexp.MustCompile(`^(/v1/[a-z-]+)/[0-9]+(/subdescriptors)?/?$`), "$1/{pk}$2"},
	{regexp.MustCompile(`^(/v1/hardware/get-hardware-generation)/[^/]+/?$`), "$1/{compute}"},
	{regexp.MustCompile(`^(/v1/[a-z-]+/[a-z-]+)/$`), "$1"},
}

func routeOf(path string) string {
	for _, p := range routePatterns {
		path = p.re.ReplaceAllString(path, p.replacement)
	}
	return path
}
