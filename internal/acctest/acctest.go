// Package acctest holds what the provider's acceptance tests share: a reference server per
// test (or an external UFDL deployment), provider factories and small config helpers.
package acctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/provider"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// Environment switches of the acceptance suite.
const (
	// EnvProfile selects the reference server profile ("documented" or "ufdl-backend").
	EnvProfile = "UFDL_ACC_PROFILE"
	// EnvExternal runs the suite against the server in UFDL_HOST instead of starting one.
	EnvExternal = "UFDL_ACC_EXTERNAL"
)

// ProviderFactories serve a fresh provider in-process for every Terraform command.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"ufdl": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

// Server is the UFDL server one test talks to.
type Server struct {
	// Ref is the in-process reference server; nil when testing an external deployment.
	Ref *refserver.Server
	URL string

	AdminUser, AdminPassword string
	User, Password           string
}

// Profile returns the reference server profile the suite runs with.
func Profile() refserver.Profile {
	if p := os.Getenv(EnvProfile); p != "" {
		return refserver.Profile(p)
	}
	return refserver.ProfileDocumented
}

// External reports whether the suite runs against an external deployment.
func External() bool { return os.Getenv(EnvExternal) == "1" }

// NewServer starts a reference server on a loopback port for t (closed when t ends), or,
// with UFDL_ACC_EXTERNAL=1, describes the external server from UFDL_HOST/USERNAME/PASSWORD.
// opts adjusts the reference server's options before it starts.
func NewServer(t *testing.T, opts ...func(*refserver.Options)) *Server {
	t.Helper()
	if External() {
		host, user, pass := os.Getenv("UFDL_HOST"), os.Getenv("UFDL_USERNAME"), os.Getenv("UFDL_PASSWORD")
		if host == "" || user == "" || pass == "" {
			t.Fatalf("%s=1 needs UFDL_HOST, UFDL_USERNAME and UFDL_PASSWORD (an admin user) to be set", EnvExternal)
		}
		return &Server{URL: host, AdminUser: user, AdminPassword: pass}
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
	return &Server{Ref: ref, URL: hs.URL, AdminUser: o.AdminUser, AdminPassword: o.AdminPassword, User: o.User, Password: o.Password}
}

// RequireHooks skips t when it runs against an external deployment, which has no test hooks.
func (s *Server) RequireHooks(t *testing.T, why string) {
	t.Helper()
	if s.Ref == nil {
		t.Skipf("needs the reference server's test hooks (%s); not available against an external deployment", why)
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
