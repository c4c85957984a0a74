// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

func envFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func nullConfig() providerModel {
	return providerModel{
		Host: types.StringNull(), Username: types.StringNull(), Password: types.StringNull(),
		CACertPEM: types.StringNull(), CACertFile: types.StringNull(), InsecureSkipVerify: types.BoolNull(),
		RequestTimeoutSeconds: types.Int64Null(), MaxRetries: types.Int64Null(), UpdateMethod: types.StringNull(), BatchReads: types.BoolNull(),
	}
}

func TestResolveSettingsFromEnvironment(t *testing.T) {
	s, diags := resolveSettings(nullConfig(), envFrom(map[string]string{
		envHost: "http://ufdl.example.com:8000/", envUsername: "admin", envPassword: "pw",
		envRequestTimeout: "7", envMaxRetries: "0", envUpdateMethod: "put", envInsecure: "true",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected errors: %v", diags)
	}
	if c := s.client; c.Host != "http://ufdl.example.com:8000" || c.Username != "admin" || c.Password != "pw" {
		t.Errorf("credentials = %q %q %q", c.Host, c.Username, c.Password)
	}
	if c := s.client; c.RequestTimeout != 7*time.Second || c.MaxRetries != 0 || s.updateMethod != "put" || !c.InsecureSkipVerify {
		t.Errorf("settings = %+v", s)
	}
}

func TestResolveSettingsConfigWinsAndDefaults(t *testing.T) {
	cfg := nullConfig()
	cfg.Host = types.StringValue("https://cfg.example.com")
	cfg.Username = types.StringValue("cfg-user")
	cfg.Password = types.StringValue("cfg-pw")
	s, diags := resolveSettings(cfg, envFrom(map[string]string{envHost: "http://env", envUsername: "env-user", envPassword: "env-pw"}))
	if diags.HasError() {
		t.Fatalf("unexpected errors: %v", diags)
	}
	if c := s.client; c.Host != "https://cfg.example.com" || c.Username != "cfg-user" || c.Password != "cfg-pw" {
		t.Errorf("config did not win: %+v", s)
	}
	if c := s.client; c.RequestTimeout != client.DefaultRequestTimeout || c.MaxRetries != client.DefaultMaxRetries || s.updateMethod != "patch" || c.InsecureSkipVerify || c.SingleReads {
		t.Errorf("defaults not applied: %+v", s)
	}
}

func TestResolveSettingsReportsEveryProblem(t *testing.T) {
	_, diags := resolveSettings(nullConfig(), envFrom(map[string]string{
		envMaxRetries: "lots", envInsecure: "maybe", envUpdateMethod: "post",
	}))
	var all []string
	for _, d := range diags.Errors() {
		all = append(all, d.Summary()+": "+d.Detail())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		"Missing UFDL Host: The provider needs the address of the UFDL server",
		"UFDL_HOST environment variable",
		"Missing UFDL Username",
		"UFDL_USERNAME",
		"Missing UFDL Password",
		"UFDL_PASSWORD",
		`UFDL_MAX_RETRIES (for max_retries) must be a whole number from 0 to 20; got "lots"`,
		`UFDL_INSECURE_SKIP_VERIFY (for insecure_skip_verify) must be true or false; got "maybe"`,
		`update_method (or UFDL_UPDATE_METHOD) must be one of: patch, put; got "post"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q; got:\n%s", want, text)
		}
	}
}

func TestResolveSettingsHostAndCAFile(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, diags := resolveSettings(nullConfig(), envFrom(map[string]string{
		envHost: "ufdl.example.com", envUsername: "u", envPassword: "p", envCACertFile: ca,
	}))
	// The client's verdict, told at the setting: host (or UFDL_HOST).
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `host (or UFDL_HOST) must be the base URL of the UFDL server, starting with http:// or https://, e.g. http://127.0.0.1:8000: "ufdl.example.com" must start with http:// or https://.`) {
		t.Errorf("want a host error, got %v", diags)
	}
	if string(s.client.CACertPEM) != "PEM" {
		t.Errorf("CA file not read: %q", s.client.CACertPEM)
	}
	_, diags = resolveSettings(nullConfig(), envFrom(map[string]string{
		envHost: "http://h", envUsername: "u", envPassword: "p", envCACertFile: filepath.Join(dir, "missing.pem"),
	}))
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "cannot be read") {
		t.Errorf("want an unreadable CA file error, got %v", diags)
	}
}

func TestResolveSettingsEmptyStringsAreNamed(t *testing.T) {
	for _, attr := range []string{"host", "username", "password"} {
		cfg := nullConfig()
		cfg.Host, cfg.Username, cfg.Password = types.StringValue("http://h"), types.StringValue("u"), types.StringValue("p")
		switch attr {
		case "host":
			cfg.Host = types.StringValue("")
		case "username":
			cfg.Username = types.StringValue(" ")
		case "password":
			cfg.Password = types.StringValue("")
		}
		// The environment must not paper over an explicit empty value, nor be blamed for it.
		_, diags := resolveSettings(cfg, envFrom(map[string]string{envHost: "http://env", envUsername: "env", envPassword: "env"}))
		if len(diags.Errors()) != 1 {
			t.Fatalf("%s: want one error, got %v", attr, diags)
		}
		e := diags.Errors()[0]
		want := attr + " is set to an empty string in the provider block"
		if e.Summary() != "Empty UFDL "+titleCase(attr) || !strings.Contains(e.Detail(), want) {
			t.Errorf("%s: got %q / %q, want it to say %q", attr, e.Summary(), e.Detail(), want)
		}
	}
	// Optional settings set to "" are simply unset.
	cfg := nullConfig()
	cfg.CACertPEM, cfg.UpdateMethod = types.StringValue(""), types.StringValue("")
	s, diags := resolveSettings(cfg, envFrom(map[string]string{envHost: "http://h", envUsername: "u", envPassword: "p"}))
	if diags.HasError() || s.client.CACertPEM != nil || s.updateMethod != updateMethodPatch {
		t.Errorf("empty optional settings: %v, %+v", diags, s)
	}
}

func TestResolveSettingsRejectsCAWithoutCertificate(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		attr string
	}{
		{map[string]string{envCACertPEM: "garbage"}, "ca_cert_pem (or UFDL_CA_CERT_PEM)"},
		{map[string]string{envCACertFile: ca}, "ca_cert_file (or UFDL_CA_CERT_FILE)"},
	} {
		tc.env[envHost], tc.env[envUsername], tc.env[envPassword] = "http://h", "u", "p"
		_, diags := resolveSettings(nullConfig(), envFrom(tc.env))
		if len(diags.Errors()) != 1 || diags.Errors()[0].Summary() != "Invalid CA Certificate" ||
			!strings.Contains(diags.Errors()[0].Detail(), tc.attr+" holds no PEM-encoded certificate") {
			t.Errorf("%v: got %v", tc.env, diags)
		}
	}
}
