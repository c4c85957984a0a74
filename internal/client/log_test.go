// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Everything logged and every error returned during login, refresh, re-login,
// a create with a registry password, a patch, a list filtered on the password,
// and failed requests whose answers echo the secrets: no secret appears.
func TestSecretsNeverLoggedOrInErrors(t *testing.T) {
	f := newFake(t)
	log := &captureLogger{}
	c := f.client(func(cfg *Config) { cfg.Logger = log })
	ctx := context.Background()
	spec := yoloSpec()
	const registrySecret = "reg-Secret-77"

	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	// Login, create (with a dropped first answer, so the retry and adoption
	// paths log too), refresh after expiry, re-login after rotation.
	f.intercept("POST", "/v1/docker/create", 1, commitThenDrop)
	_, err := c.CreateImage(ctx, spec)
	keep(err)
	f.revokeAccess()
	_, err = c.GetImage(ctx, 1)
	keep(err)
	f.revokeAll()
	_, err = c.PatchImage(ctx, 1, spec, []string{FieldRegistryPassword})
	keep(err)
	_, err = c.ListImages(ctx, &Filter{Expressions: []Expression{{Type: ExprExact, Field: "registry_password", Value: registrySecret}}})
	keep(err)
	if len(errs) > 0 {
		t.Fatalf("setup calls failed: %v", errs)
	}

	// Failures whose answers echo the secrets back.
	f.intercept("PUT", "/v1/docker/{pk}", 1, status(400, "application/json",
		`{"registry_password": ["Ensure this value (`+registrySecret+`) has at most 64 characters."]}`))
	_, err = c.ReplaceImage(ctx, 1, spec)
	keep(err)
	f.intercept("PATCH", "/v1/docker/{pk}", -1, status(500, "text/html",
		`<title>Error for `+registrySecret+`</title>`))
	_, err = c.PatchImage(ctx, 1, spec, []string{FieldRegistryPassword})
	keep(err)
	f.intercept("POST", "/v1/auth/obtain", 1, status(401, "application/json",
		`{"detail": "No active account for password `+testPassword+`"}`))
	keep(c.Login(ctx))
	f.intercept("GET", "/v1/docker/{pk}", 1, status(200, "application/json", `{"pk": "`+registrySecret+`"}`))
	_, err = c.GetImage(ctx, 1)
	keep(err)
	if len(errs) != 4 {
		t.Fatalf("want 4 failures, got %d: %v", len(errs), errs)
	}

	f.mu.Lock()
	var tokens []string
	for tok := range f.refresh {
		tokens = append(tokens, tok)
	}
	for tok := range f.access {
		tokens = append(tokens, tok)
	}
	for i := 1; i <= f.nextToken; i++ {
		tokens = append(tokens, fmt.Sprintf("acc-%d-tok", i), fmt.Sprintf("ref-%d-tok", i))
	}
	f.mu.Unlock()
	if f.count("POST /v1/auth/refresh") == 0 || f.count("POST /v1/auth/obtain") < 3 {
		t.Fatalf("the scenario did not refresh and re-login: refresh %d, obtain %d",
			f.count("POST /v1/auth/refresh"), f.count("POST /v1/auth/obtain"))
	}

	logs := log.text()
	var all strings.Builder
	all.WriteString(logs)
	for _, err := range errs {
		all.WriteString(err.Error() + "\n" + fmt.Sprintf("%+v %#v", err, err) + "\n")
	}
	secrets := append([]string{testPassword, registrySecret, "Bearer "}, tokens...)
	for _, s := range secrets {
		if strings.Contains(all.String(), s) {
			t.Errorf("%q appears in logs or errors", s)
		}
	}
	for _, want := range []string{
		`"registry_password":"***"`, // masked request body
		"registry_password: Ensure this value (***) has at most 64 characters.",
		"Error for ***",
		"No active account for password ***",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("expected %q in logs/errors", want)
		}
	}
	// The filter on the password was logged with its value masked.
	if !strings.Contains(logs, `"field":"registry_password","type":"exact","value":"***"`) {
		t.Errorf("filter body not masked:\n%s", logs)
	}
}

func TestPerAttemptDebugLines(t *testing.T) {
	f := newFake(t)
	f.intercept("GET", "/v1/docker/{pk}", 1, status(503, "", ""))
	log := &captureLogger{}
	c := f.client(func(cfg *Config) { cfg.Logger = log })
	_, err := c.GetImage(context.Background(), 8)
	if !IsNotFound(err) {
		t.Fatalf("got %v", err)
	}
	var attempts []string
	var warns int
	for _, l := range log.all() {
		if l.msg == "UFDL API request" && l.fields["path"] == "/v1/docker/8" {
			if l.level != "debug" {
				t.Errorf("attempt line at %s", l.level)
			}
			for _, k := range []string{"method", "path", "status", "attempt", "duration_ms"} {
				if _, ok := l.fields[k]; !ok {
					t.Errorf("attempt line lacks %q: %v", k, l.fields)
				}
			}
			attempts = append(attempts, fmt.Sprintf("%v:%v", l.fields["attempt"], l.fields["status"]))
		}
		if l.level == "warn" && l.msg == "retrying UFDL API request" {
			warns++
		}
	}
	if strings.Join(attempts, " ") != "1:503 2:404" {
		t.Errorf("attempts %v, want [1:503 2:404]", attempts)
	}
	if warns != 1 {
		t.Errorf("retry warnings = %d, want 1", warns)
	}
}

func TestSafeLoggerMasksFields(t *testing.T) {
	log := &captureLogger{}
	sec := &secrets{}
	sec.add("tok-abc")
	l := safeLogger{next: log, secrets: sec}
	l.Error(context.Background(), "got tok-abc back", map[string]any{
		"Authorization": "Bearer tok-abc", "password": "x", "refresh_token": "y", "err": errors.New("bad tok-abc"),
		"n": 3, "url": "http://h/v1/docker/1",
	})
	line := log.all()[0]
	if line.msg != "got *** back" || line.fields["Authorization"] != "***" || line.fields["password"] != "***" ||
		line.fields["refresh_token"] != "***" || line.fields["err"] != "bad ***" || line.fields["n"] != 3 ||
		line.fields["url"] != "http://h/v1/docker/1" {
		t.Errorf("line %+v", line)
	}
}

func TestRetryablehttpLogsRouted(t *testing.T) {
	log := &captureLogger{}
	r := retryLogger{ctx: context.Background(), log: log}
	r.Error("request failed", "error", "boom", "method", http.MethodGet)
	r.Warn("w")
	r.Info("i")
	r.Debug("d", "odd")
	lines := log.all()
	if len(lines) != 4 {
		t.Fatalf("lines %v", lines)
	}
	for _, l := range lines {
		if l.level != "debug" || l.fields["source"] != "go-retryablehttp" {
			t.Errorf("line %+v", l)
		}
	}
	if lines[0].fields["error"] != "boom" || lines[0].fields["library_level"] != "error" {
		t.Errorf("fields %v", lines[0].fields)
	}
}

func TestMaskBody(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"registry_password":"s","name":"n"}`, `{"name":"n","registry_password":"***"}`},
		{`{"registry_password":null}`, `{"registry_password":null}`},
		{`{"username":"u","password":"p"}`, `{"password":"***","username":"u"}`},
		{`{"expressions":[{"field":"registry_password","type":"contains","sub_string":"abc"}]}`, `{"expressions":[{"field":"registry_password","sub_string":"***","type":"contains"}]}`},
		{`not json`, `(8 bytes, not JSON)`},
		{``, ``},
	} {
		if got := maskBody([]byte(tc.in)); got != tc.want {
			t.Errorf("maskBody(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestFilterSecretsHiddenFromErrors(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/docker/list", 1, status(400, "application/json", `{"detail": "bad value s3cr3t-value"}`))
	c := f.client()
	_, err := c.ListImages(context.Background(), &Filter{Expressions: []Expression{{Type: ExprOr, SubExpressions: []Expression{
		{Type: ExprExact, Field: "registry_password", Value: "s3cr3t-value"},
	}}}})
	if err == nil || err.Error() != atHost("POST /v1/docker/list: 400 Bad Request: bad value ***", f.srv.URL) {
		t.Errorf("error %v", err)
	}
}
