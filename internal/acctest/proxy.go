package acctest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// startRecordingProxy serves a reverse proxy to target on a loopback port for t. It
// records every request the way the reference server does (the same Recorder, the same
// route keys), so that tests asserting which calls the provider made run against a real
// deployment too.
func startRecordingProxy(t *testing.T, target string) (*refserver.Recorder, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("UFDL_HOST %q is not a URL: %v", target, err)
	}
	p := &refserver.Recorder{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		if rec, ok := resp.Request.Context().Value(recordKey{}).(*refserver.Request); ok {
			p.Finish(rec, resp.StatusCode)
		}
		return nil
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if rec, ok := r.Context().Value(recordKey{}).(*refserver.Request); ok {
			p.Finish(rec, http.StatusBadGateway)
		}
		http.Error(w, "acctest proxy: "+err.Error(), http.StatusBadGateway)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := p.Record(r.Method, r.URL.Path, body)
		r = r.WithContext(context.WithValue(r.Context(), recordKey{}, rec))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return p, hs.URL
}

type recordKey struct{}
