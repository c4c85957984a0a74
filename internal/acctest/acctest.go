// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package acctest holds what the provider's acceptance tests share: a reference server per
// test (or an external UFDL deployment behind a recording proxy), provider factories and
// small config helpers.
package acctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/provider"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/stablestate"
)

// Environment switches of the acceptance suite.
const (
	// EnvProfile selects the reference server profile ("documented" or "ufdl-backend").
	EnvProfile = "UFDL_ACC_PROFILE"
	// EnvExternal runs the suite against the server in UFDL_HOST instead of starting one.
	EnvExternal = "UFDL_ACC_EXTERNAL"
	// EnvUser and EnvUserPassword name an ordinary (non-admin) user of the external server.
	EnvUser         = "UFDL_ACC_USER"
	EnvUserPassword = "UFDL_ACC_USER_PASSWORD"
)

// ProviderFactories serve a fresh provider in-process for every Terraform command, as the
// provider's binary serves it.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"ufdl": func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(provider.New("acctest")())()
		return stablestate.Wrap(s), err
	},
}

// Server is the UFDL server one test talks to.
type Server struct {
	// Ref is the in-process reference server; nil when testing an external deployment.
	Ref *refserver.Server
	// URL is where the provider is pointed: the reference server, or a recording proxy in
	// front of the external deployment.
	URL string

	AdminUser, AdminPassword string
	User, Password           string // empty against an external deployment without UFDL_ACC_USER

	// Recorder counts the requests the server received (Calls, CallCounts, ResetCalls,
	// Requests): the reference server's own, or the proxy's.
	*refserver.Recorder
	// Proxy is the proxy between the provider and the server, which injects faults: always
	// there in front of an external deployment, and in front of the reference server of
	// NewServerBehindProxy; nil otherwise.
	Proxy   *Proxy
	session apiSession
	lookups lookupOnce
	direct  string // the reference server itself, when URL is a proxy in front of it
}

// Profile returns the reference server profile the suite runs with. An external server is
// taken to be the real UFDL backend, whose measured behaviour the ufdl-backend profile
// reproduces, unless UFDL_ACC_PROFILE says otherwise.
func Profile() refserver.Profile {
	if p := os.Getenv(EnvProfile); p != "" {
		return refserver.Profile(p)
	}
	if External() {
		return refserver.ProfileUFDLBackend
	}
	return refserver.ProfileDocumented
}

// BackendLike reports whether the server behaves like the real UFDL backend.
func BackendLike() bool { return Profile() == refserver.ProfileUFDLBackend }

// External reports whether the suite runs against an external deployment.
func External() bool { return os.Getenv(EnvExternal) == "1" }

// NewServer starts a reference server on a loopback port for t (closed when t ends), or,
// with UFDL_ACC_EXTERNAL=1, puts a recording proxy in front of the server in UFDL_HOST
// (an admin from UFDL_USERNAME/UFDL_PASSWORD, an ordinary user from
// UFDL_ACC_USER/UFDL_ACC_USER_PASSWORD). opts adjusts the reference server's options.
func NewServer(t *testing.T, opts ...func(*refserver.Options)) *Server {
	t.Helper()
	if External() {
		host, user, pass := os.Getenv("UFDL_HOST"), os.Getenv("UFDL_USERNAME"), os.Getenv("UFDL_PASSWORD")
		if host == "" || user == "" || pass == "" {
			t.Fatalf("%s=1 needs UFDL_HOST, UFDL_USERNAME and UFDL_PASSWORD (an admin user) to be set", EnvExternal)
		}
		proxy := NewProxy(t, host)
		return &Server{
			URL: proxy.URL, AdminUser: user, AdminPassword: pass,
			User: os.Getenv(EnvUser), Password: os.Getenv(EnvUserPassword),
			Recorder: proxy.Recorder, Proxy: proxy,
		}
	}
	o := refserver.Options{
		AdminUser:     "admin",
		AdminPassword: "admin-" + RandomSuffix(),
		User:          "user",
		Password:      "user-" + RandomSuffix(),
		Profile:       Profile(),
	}
	for _, f := range opts {
		f(&o)
	}
	ref, err := refserver.New(o)
	if err != nil {
		t.Fatalf("starting reference server: %v", err)
	}
	hs := httptest.NewServer(ref)
	t.Cleanup(hs.Close)
	srv := &Server{Ref: ref, URL: hs.URL, AdminUser: o.AdminUser, AdminPassword: o.AdminPassword, User: o.User, Password: o.Password,
		Recorder: &ref.Recorder}
	// The lookups tests need are read now and the calls forgotten, so that every test starts
	// with a server that has counted nothing.
	srv.Frameworks(t)
	ref.ResetCalls()
	return srv
}

// NewServerBehindProxy is NewServer with the provider's requests passing through a Proxy, in
// front of the reference server as in front of an external deployment: tests that inject
// faults with it run the same against both. Its Recorder is the proxy's.
func NewServerBehindProxy(t *testing.T, opts ...func(*refserver.Options)) *Server {
	t.Helper()
	srv := NewServer(t, opts...)
	if srv.Proxy == nil {
		srv.Proxy = NewProxy(t, srv.URL)
		srv.direct, srv.URL, srv.Recorder = srv.URL, srv.Proxy.URL, srv.Proxy.Recorder
	}
	return srv
}

// RequireHooks skips t when it runs against an external deployment, which has no test hooks.
func (s *Server) RequireHooks(t *testing.T, why string) {
	t.Helper()
	if s.Ref == nil {
		t.Skipf("needs the reference server's test hooks (%s); not available against an external deployment", why)
	}
}

// RequireUser skips t when no ordinary (non-admin) user of the server is known.
func (s *Server) RequireUser(t *testing.T) {
	t.Helper()
	if s.User == "" || s.Password == "" {
		t.Skipf("needs an ordinary (non-admin) user of the external server: set %s and %s", EnvUser, EnvUserPassword)
	}
}

// ProviderConfig is a provider block that logs in as admin, plus extra attributes.
func (s *Server) ProviderConfig(extra ...string) string {
	return s.ProviderConfigAs(s.AdminUser, s.AdminPassword, extra...)
}

// ProviderConfigAs is a provider block that logs in as user.
func (s *Server) ProviderConfigAs(user, password string, extra ...string) string {
	cfg := fmt.Sprintf("provider \"ufdl\" {\n  host     = %q\n  username = %q\n  password = %q\n  max_retries = 2\n", s.URL, user, password)
	for _, e := range extra {
		cfg += "  " + e + "\n"
	}
	return cfg + "}\n"
}

// RandomSuffix returns 8 random hex characters for unique names.
func RandomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Name returns a unique image name for a test: short enough for the server's 64 characters.
func Name(prefix string) string {
	return "tfacc-" + prefix + "-" + RandomSuffix()
}

// Testdata returns the file testdata/<test name>/<file> of the calling test's package: the
// HCL of a test lives beside it, as in HashiCorp's providers.
func Testdata(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", t.Name(), file))
	if err != nil {
		t.Fatalf("reading the test's configuration: %v", err)
	}
	return string(b)
}

// TestdataFile returns testdata/<file> of the calling test's package, for HCL that several
// tests share.
func TestdataFile(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatalf("reading shared test configuration: %v", err)
	}
	return string(b)
}
