// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

func fakeLines(reqs []registrytest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, r.Auth)
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

func expectFake(t *testing.T, f *registrytest.Fake, want ...string) {
	t.Helper()
	got := fakeLines(f.Requests())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fake registry requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	f.Reset()
}

func resolve(t *testing.T, c *registry.Checker, ref string, creds registry.Credentials) (registry.Manifest, error) {
	t.Helper()
	return c.Resolve(context.Background(), mustParse(t, ref), creds)
}

// TestBearerTokenFlow: the ping's challenge sends the client to the token service with Basic
// credentials, and the manifest request carries the token; 500 entries of one repository
// over five tags cost one login and five manifest requests, asked at most Parallel at a time.
func TestBearerTokenFlow(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t, registrytest.WithAuth(registrytest.Bearer, "robot", "s3cret-token-pw"))
	digests := map[string]string{}
	for i := range 5 {
		tag := fmt.Sprintf("v%d", i)
		digests[tag] = registrytest.Push(t, f.Store, "team/app:"+tag, registrytest.DockerImage, "", "")
	}
	creds := registry.Credentials{Username: "robot", Password: "s3cret-token-pw"}
	c := registry.New(registry.Config{Parallel: 3, Retries: registry.DefaultRetries})
	var wg sync.WaitGroup
	errs := make(chan error, 500)
	for i := range 500 {
		wg.Go(func() {
			tag := fmt.Sprintf("v%d", i%5)
			m, err := c.Resolve(context.Background(), mustParse(t, f.Host+"/team/app:"+tag), creds)
			if err == nil && m.Digest != digests[tag] {
				err = fmt.Errorf("%s resolved to %s, pushed %s", tag, m.Digest, digests[tag])
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.Requests()
	lines := fakeLines(reqs)
	if len(lines) != 7 || lines[0] != "GET /v2/ 401" || lines[1] != "GET /token 200 Basic" {
		t.Fatalf("want a ping, one token and five HEADs, got:\n  %s", strings.Join(lines, "\n  "))
	}
	for _, l := range lines[2:] {
		if !strings.HasPrefix(l, "HEAD /v2/team/app/manifests/v") || !strings.HasSuffix(l, " 200 Bearer") {
			t.Errorf("manifest request %q is not a HEAD with the token", l)
		}
	}
	if n := f.MaxInFlight(); n > 3 {
		t.Errorf("the fake answered %d requests at once; Parallel is 3", n)
	}
}

func TestBearerCredentials(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t, registrytest.WithAuth(registrytest.Bearer, "robot", "right-pw"))
	registrytest.Push(t, f.Store, "team/app:v1", registrytest.DockerImage, "", "")
	ref := f.Host + "/team/app:v1"

	_, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), ref, registry.Credentials{Username: "robot", Password: "wrong-pw"})
	p := problemOf(t, err)
	if p.Kind != registry.KindCredentialsRefused || !strings.Contains(p.Detail, `refused the credentials of registry user "robot" (HTTP 401 UNAUTHORIZED)`) ||
		strings.Contains(p.Detail, "wrong-pw") {
		t.Errorf("wrong password: %v: %s", p.Kind, p.Detail)
	}
	expectFake(t, f, "GET /v2/ 401", "GET /token 401 Basic")

	_, err = resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), ref, registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindLoginRequired || !strings.Contains(p.Detail, "needs a login to pull") {
		t.Errorf("anonymous: %v: %s", p.Kind, p.Detail)
	}
	expectFake(t, f, "GET /v2/ 401", "GET /token 401")
}

// TestBearerAnonymousPull is Docker Hub's and GHCR's public images: a token without credentials.
func TestBearerAnonymousPull(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t, registrytest.WithAuth(registrytest.Bearer, "robot", "pw"), registrytest.WithAnonymousPull())
	want := registrytest.Push(t, f.Store, "library/ubuntu:22.04", registrytest.OCIIndex, "", "")
	m, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/library/ubuntu:22.04", registry.Credentials{})
	if err != nil || m.Digest != want {
		t.Fatalf("%v %v, want %s", m, err, want)
	}
	expectFake(t, f, "GET /v2/ 401", "GET /token 200", "HEAD /v2/library/ubuntu/manifests/22.04 200 Bearer")
}

// TestRateLimitHonoursRetryAfter: a 429 with a Retry-After within bounds is waited out; one
// beyond them is reported with the wait the registry asked for, without waiting.
func TestRateLimitHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	registrytest.Push(t, f.Store, "team/app:v1", registrytest.DockerImage, "", "")
	f.Inject(registrytest.Fault{Method: http.MethodHead, PathContains: "/manifests/", Status: http.StatusTooManyRequests,
		Header: map[string]string{"Retry-After": "1"}, Times: 1})
	if _, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{}); err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if got := fakeLines(reqs); strings.Join(got, ",") != "GET /v2/ 200,HEAD /v2/team/app/manifests/v1 429,HEAD /v2/team/app/manifests/v1 200" {
		t.Fatalf("requests: %v", got)
	}
	if gap := reqs[2].At.Sub(reqs[1].At); gap < 900*time.Millisecond {
		t.Errorf("retried %s after the 429; Retry-After asked for 1s", gap)
	}
	f.Reset()

	f.Inject(registrytest.Fault{Method: http.MethodHead, PathContains: "/manifests/", Status: http.StatusTooManyRequests,
		Header: map[string]string{"Retry-After": "3600"}})
	_, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindRateLimited || !strings.Contains(p.Detail, "asks to wait 1h0m0s (Retry-After)") {
		t.Errorf("long Retry-After: %v: %s", p.Kind, p.Detail)
	}
	expectFake(t, f, "GET /v2/ 200", "HEAD /v2/team/app/manifests/v1 429")
}

func TestServerErrorsRetriedThenReported(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	want := registrytest.Push(t, f.Store, "team/app:v1", registrytest.DockerImage, "", "")
	f.Inject(registrytest.Fault{Method: http.MethodHead, Status: http.StatusServiceUnavailable, Times: 2})
	if m, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{}); err != nil || m.Digest != want {
		t.Fatalf("%v %v", m, err)
	}
	expectFake(t, f, "GET /v2/ 200", "HEAD /v2/team/app/manifests/v1 503", "HEAD /v2/team/app/manifests/v1 503", "HEAD /v2/team/app/manifests/v1 200")

	f.Inject(registrytest.Fault{Method: http.MethodHead, Status: http.StatusBadGateway})
	_, err := resolve(t, registry.New(registry.Config{Retries: 1}), f.Host+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindServerError || !strings.Contains(p.Detail, "HTTP 502 to HEAD /v2/team/app/manifests/v1") {
		t.Errorf("502: %v: %s", p.Kind, p.Detail)
	}
	expectFake(t, f, "GET /v2/ 200", "HEAD /v2/team/app/manifests/v1 502", "HEAD /v2/team/app/manifests/v1 502")
}

func TestSlowRegistryTimesOut(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	f.Inject(registrytest.Fault{PathContains: "/v2/", Delay: 3 * time.Second})
	_, err := resolve(t, registry.New(registry.Config{Timeout: 200 * time.Millisecond, Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindUnreachable || !strings.Contains(p.Detail, "no answer within 200ms") {
		t.Errorf("%v: %s", p.Kind, p.Detail)
	}
}

// TestWebPageIsNotARegistry: a web server at the registry's address, answering everything
// with a page (200) or only /v2/ with a 404 page.
func TestWebPageIsNotARegistry(t *testing.T) {
	t.Parallel()
	page := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	f := registrytest.NewFake(t)
	f.Inject(registrytest.Fault{Status: http.StatusOK, Header: page, Body: "<html><body>Welcome</body></html>"})
	_, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindNotRegistry || !strings.Contains(p.Detail, "with a web page (text/html; charset=utf-8), not an image manifest") {
		t.Errorf("page everywhere: %v: %s", p.Kind, p.Detail)
	}
	// HEAD gave no digest, so the manifest was asked for again with GET.
	expectFake(t, f, "GET /v2/ 200", "HEAD /v2/team/app/manifests/v1 200", "GET /v2/team/app/manifests/v1 200")

	g := registrytest.NewFake(t)
	g.Inject(registrytest.Fault{PathContains: "/v2/", Status: http.StatusNotFound, Header: page, Body: "<html>Not Found</html>"})
	_, err = resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), g.Host+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindNotRegistry || !strings.Contains(p.Detail, "GET /v2/ answered HTTP 404, a web page") {
		t.Errorf("404 page: %v: %s", p.Kind, p.Detail)
	}
}

// TestManifestRedirectedToBlobStore: the manifest answer is a 307 to another host, which must
// be followed without the registry's token.
func TestManifestRedirectedToBlobStore(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t, registrytest.WithAuth(registrytest.Bearer, "robot", "pw"))
	want := registrytest.Push(t, f.Store, "team/app:v1", registrytest.DockerList, "", "")
	f.Redirect(true)
	f.Reset() // the push's requests
	m, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{Username: "robot", Password: "pw"})
	if err != nil || m.Digest != want {
		t.Fatalf("%v %v, want %s", m, err, want)
	}
	var store []string
	for _, r := range f.StoreRequests() {
		if strings.Contains(r.Path, "/manifests/") {
			store = append(store, strings.TrimSpace(r.Method+" "+r.Path+" "+r.Auth))
		}
	}
	if strings.Join(store, ",") != "HEAD /v2/team/app/manifests/v1" {
		t.Errorf("blob store saw %v; want one HEAD without an Authorization header", store)
	}
	expectFake(t, f, "GET /v2/ 401", "GET /token 200 Basic", "HEAD /v2/team/app/manifests/v1 307 Bearer")
}

// TestHeadRefusedFallsBackToGet: a registry that answers HEAD with 405 is asked with GET.
func TestHeadRefusedFallsBackToGet(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	want := registrytest.Push(t, f.Store, "team/app:v1", registrytest.OCIImage, "", "")
	f.Inject(registrytest.Fault{Method: http.MethodHead, PathContains: "/manifests/", Status: http.StatusMethodNotAllowed})
	m, err := resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), f.Host+"/team/app:v1", registry.Credentials{})
	if err != nil || m.Digest != want {
		t.Fatalf("%v %v, want %s", m, err, want)
	}
	expectFake(t, f, "GET /v2/ 200", "HEAD /v2/team/app/manifests/v1 405", "GET /v2/team/app/manifests/v1 200")
}

func TestUnreachableRegistry(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = resolve(t, registry.New(registry.Config{Retries: registry.DefaultRetries}), addr+"/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindUnreachable || !strings.Contains(p.Detail, "connection refused") {
		t.Errorf("%v: %s", p.Kind, p.Detail)
	}
}

// TestTLSFailure: a registry whose certificate this machine does not trust fails as TLS, and
// passes once its CA is trusted. registry.test:443 is dialled to the test server.
func TestTLSFailure(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	want := registrytest.Push(t, f.Store, "team/app:v1", registrytest.DockerImage, "", "")
	srv := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: f.Store}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	untrusted := &http.Transport{DialContext: dial, TLSClientConfig: &tls.Config{ServerName: "example.com"}}
	_, err := resolve(t, registry.New(registry.Config{Transport: untrusted, Retries: registry.DefaultRetries}), "registry.test:443/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindTLS || !strings.Contains(p.Detail, "signed by an authority this machine does not trust") {
		t.Errorf("untrusted: %v: %s", p.Kind, p.Detail)
	}

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	trusted := &http.Transport{DialContext: dial, TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "example.com"}}
	m, err := resolve(t, registry.New(registry.Config{Transport: trusted, Retries: registry.DefaultRetries}), "registry.test:443/team/app:v1", registry.Credentials{})
	if err != nil || m.Digest != want {
		t.Errorf("trusted: %v %v", m, err)
	}
}

// BenchmarkCheck500Entries checks 500 catalog entries over 5 repositories with a new
// Checker (a new provider process) per iteration: the goal is 10 logins and 500 HEADs per
// op, whatever the time.
func BenchmarkCheck500Entries(b *testing.B) {
	f := registrytest.NewFake(b, registrytest.WithAuth(registrytest.Bearer, "robot", "pw"))
	refs := make([]registry.Reference, 500)
	for i := range refs {
		repoTag := fmt.Sprintf("bench/r%d:t%d", i%5, i/5)
		registrytest.Push(b, f.Store, repoTag, registrytest.DockerImage, "", "")
		r, err := registry.ParseReference(f.Host + "/" + repoTag)
		if err != nil {
			b.Fatal(err)
		}
		refs[i] = r
	}
	creds := registry.Credentials{Username: "robot", Password: "pw"}
	f.Reset()
	b.ResetTimer()
	for b.Loop() {
		c := registry.New(registry.Config{Retries: registry.DefaultRetries})
		var wg sync.WaitGroup
		for _, r := range refs {
			wg.Go(func() {
				if _, err := c.Resolve(context.Background(), r, creds); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(f.Requests()))/float64(b.N), "registry-calls/op")
}

// TestPlainHTTPOnlyOnLoopback: a registry at a private address that speaks plain HTTP fails as
// Docker on the workers would fail (it allows HTTP for 127.0.0.0/8 only, unless configured).
func TestPlainHTTPOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	f := registrytest.NewFake(t)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, f.Host)
	}
	_, err := resolve(t, registry.New(registry.Config{Transport: &http.Transport{DialContext: dial}, Retries: registry.DefaultRetries}), "192.168.10.20:5000/team/app:v1", registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindTLS || !strings.Contains(p.Detail, "speaks plain HTTP, not HTTPS") {
		t.Errorf("%v: %s", p.Kind, p.Detail)
	}
	expectFake(t, f)
}
