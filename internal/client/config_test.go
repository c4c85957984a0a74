// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"
)

func validConfig() Config {
	return Config{Host: "http://127.0.0.1:8000", Username: "admin", Password: testPassword}
}

func TestNewAppliesDefaults(t *testing.T) {
	c, err := New(validConfig())
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.RequestTimeout != 30*time.Second || c.cfg.MaxRetries != 0 ||
		c.cfg.RetryWaitMin != 500*time.Millisecond || c.cfg.RetryWaitMax != 10*time.Second ||
		c.cfg.UserAgent != DefaultUserAgent {
		t.Errorf("defaults not applied: %v", c.cfg)
	}
	if c.cfg.InsecureSkipVerify {
		t.Error("InsecureSkipVerify must be off by default")
	}
}

func TestNewHostForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:8000", "http://127.0.0.1:8000"},
		{"http://127.0.0.1:8000/", "http://127.0.0.1:8000"},
		{" https://ufdl.example.org/api/ ", "https://ufdl.example.org/api"},
		{"http://[::1]:8000//", "http://[::1]:8000"},
		{"http://h/v10", "http://h/v10"},
		{"http://h/api-v1", "http://h/api-v1"},
	} {
		cfg := validConfig()
		cfg.Host = tc.in
		c, err := New(cfg)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if c.Host() != tc.want {
			t.Errorf("Host(%q) = %q, want %q", tc.in, c.Host(), tc.want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mod   func(*Config)
		field string
		text  string
	}{
		{"empty host", func(c *Config) { c.Host = "" }, "Host", "must not be empty"},
		{"no scheme", func(c *Config) { c.Host = "127.0.0.1:8000" }, "Host", "http:// or https://"},
		{"ftp", func(c *Config) { c.Host = "ftp://x.org" }, "Host", "http:// or https://"},
		{"no host", func(c *Config) { c.Host = "http://" }, "Host", "no host name"},
		{"credentials", func(c *Config) { c.Host = "http://admin:hunter2@x.org" }, "Host", "must not contain credentials"},
		{"query", func(c *Config) { c.Host = "http://x.org/?a=b" }, "Host", "query or fragment"},
		{"API prefix", func(c *Config) { c.Host = "http://h/v1" }, "Host",
			`"http://h/v1" includes /v1, the API's own prefix, which the client adds to every path (a login would go to http://h/v1/v1/auth/obtain): write "http://h"`},
		{"API prefix with a slash", func(c *Config) { c.Host = "https://h:8443/ufdl/v1/" }, "Host", `write "https://h:8443/ufdl"`},
		{"an API path", func(c *Config) { c.Host = "http://h/v1/docker" }, "Host", `write "http://h"`},
		{"no user", func(c *Config) { c.Username = "" }, "Username", "must not be empty"},
		{"no password", func(c *Config) { c.Password = "" }, "Password", "must not be empty"},
		{"bad PEM", func(c *Config) {
			c.CACertPEM = []byte("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
		}, "CACertPEM", "no PEM-encoded certificate"},
		{"negative timeout", func(c *Config) { c.RequestTimeout = -time.Second }, "RequestTimeout", "negative"},
		{"max below min", func(c *Config) { c.RetryWaitMin = time.Second; c.RetryWaitMax = time.Millisecond }, "RetryWaitMax", "less than RetryWaitMin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mod(&cfg)
			_, err := New(cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *ConfigError", err)
			}
			if ce.Field != tc.field || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("got field %q error %q, want field %q containing %q", ce.Field, err, tc.field, tc.text)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password from the URL: %v", err)
			}
		})
	}
}

func TestNewMaxRetries(t *testing.T) {
	cfg := validConfig()
	cfg.MaxRetries = -1
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "MaxRetries: must not be negative") {
		t.Errorf("MaxRetries -1: %v, want refused", err)
	}
	for _, n := range []int{0, 7} {
		cfg.MaxRetries = n
		c, err := New(cfg)
		if err != nil || c.cfg.MaxRetries != n {
			t.Errorf("MaxRetries %d gave %v %v: taken as it is", n, c, err)
		}
	}
}

func TestConfigProblemsNameEveryField(t *testing.T) {
	cfg := Config{Host: "ftp://x", CACertPEM: []byte("garbage"), RequestTimeout: -time.Second, MaxRetries: -2}
	var fields []string
	for _, p := range cfg.Problems() {
		fields = append(fields, p.Field)
	}
	if want := []string{"Host", "Username", "Password", "CACertPEM", "RequestTimeout", "MaxRetries"}; !slices.Equal(fields, want) {
		t.Errorf("problems name %v, want %v", fields, want)
	}
	if p := validConfig().Problems(); len(p) != 0 {
		t.Errorf("a valid config has problems: %v", p)
	}
}

func TestNewAcceptsCAPEM(t *testing.T) {
	cfg := validConfig()
	cfg.Host = "https://ufdl.example.org"
	cfg.CACertPEM = selfSignedPEM(t)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.transport == nil {
		t.Fatal("no transport")
	}
}

func TestConfigNeverPrintsPassword(t *testing.T) {
	cfg := validConfig()
	cfg.CACertPEM = []byte("pem")
	cfg.Logger = &captureLogger{}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", cfg)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":    fmt.Sprintf("%v", cfg),
		"%+v":   fmt.Sprintf("%+v", cfg),
		"%#v":   fmt.Sprintf("%#v", cfg),
		"%s":    fmt.Sprintf("%s", cfg),
		"%q":    fmt.Sprintf("%q", cfg),
		"%x":    fmt.Sprintf("%x", cfg),
		"ptr":   fmt.Sprintf("%+v", &cfg),
		"slice": fmt.Sprintf("%v", []Config{cfg}),
		"json":  string(js),
		"slog":  buf.String(),
		"str":   cfg.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, testPassword) {
			t.Errorf("%s shows the password: %s", name, out)
		}
		if !strings.Contains(out, "***") {
			t.Errorf("%s does not show the masked password: %s", name, out)
		}
		if !strings.Contains(out, "127.0.0.1:8000") {
			t.Errorf("%s lost the host: %s", name, out)
		}
	}
}

func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test CA"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IsCA:         true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
