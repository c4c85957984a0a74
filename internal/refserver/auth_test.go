// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// accessRefused is simplejwt's 401 for a bad access token: the reason it was
// refused as an AccessToken.
func accessRefused(reason string) map[string]any {
	return map[string]any{"detail": msgTokenInvalid, "code": "token_not_valid",
		"messages": []any{map[string]any{"token_class": "AccessToken", "token_type": "access", "message": reason}}}
}

// refreshRefused is simplejwt's 401 for a bad refresh token.
func refreshRefused(reason string) map[string]any {
	return map[string]any{"detail": reason, "code": "token_not_valid"}
}

func TestObtainAndRefresh(t *testing.T) {
	h := newHarness(t, Options{AdminPassword: "secret", Password: "pw2"})
	tok := h.login("admin", "secret")
	if tok["access"] == "" || tok["refresh"] == "" || tok["access"] == tok["refresh"] {
		t.Fatalf("tokens %v", tok)
	}
	h.expect("POST", "/v1/docker/list", tok["access"], nil, http.StatusOK, []any{})

	b := h.expect("POST", "/v1/auth/refresh", "", map[string]string{"refresh": tok["refresh"]}, http.StatusOK, nil)
	fresh := decode[map[string]string](t, b)
	if len(fresh) != 1 || fresh["access"] == "" {
		t.Fatalf("refresh answer %s", b)
	}
	h.expect("POST", "/v1/docker/list", fresh["access"], nil, http.StatusOK, []any{})

	// An access token is not a refresh token and vice versa.
	h.expect("POST", "/v1/auth/refresh", "", map[string]string{"refresh": tok["access"]}, http.StatusUnauthorized,
		refreshRefused(msgTokenWrongType))
	h.expect("POST", "/v1/docker/list", tok["refresh"], nil, http.StatusUnauthorized, accessRefused(msgTokenWrongType))
}

func TestObtainErrors(t *testing.T) {
	h := newHarness(t, Options{AdminPassword: "secret"})
	for _, c := range []struct {
		name   string
		body   any
		status int
		want   any
	}{
		{"wrong password", map[string]string{"username": "admin", "password": "nope"}, 401,
			detailBody("No active account found with the given credentials")},
		{"unknown user", map[string]string{"username": "root", "password": "secret"}, 401,
			detailBody("No active account found with the given credentials")},
		{"missing both", map[string]string{}, 400,
			map[string]any{"username": []string{msgRequired}, "password": []string{msgRequired}}},
		{"no body", nil, 400, map[string]any{"username": []string{msgRequired}, "password": []string{msgRequired}}},
		{"null", map[string]any{"username": nil, "password": "x"}, 400, fieldErr("username", msgNotNull)},
		// DRF's CharField takes numbers as their text, and trims both fields.
		{"a number", map[string]any{"username": 5, "password": "x"}, 401,
			detailBody("No active account found with the given credentials")},
		{"not a string", map[string]any{"username": true, "password": "x"}, 400, fieldErr("username", msgNotString)},
		{"blank", map[string]any{"username": "  ", "password": " "}, 400,
			map[string]any{"username": []string{msgNotBlank}, "password": []string{msgNotBlank}}},
		{"padded", map[string]any{"username": " admin ", "password": " secret "}, 200, nil},
		{"malformed", `{"username":`, 400, nil},
		{"array", `[]`, 400, fieldErr("non_field_errors", "Invalid data. Expected a dictionary, but got list.")},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			b := h.expect("POST", "/v1/auth/obtain", "", c.body, c.status, c.want)
			if c.want == nil && c.status == 400 && !strings.HasPrefix(decode[map[string]string](t, b)["detail"], "JSON parse error - ") {
				t.Fatalf("body %s", b)
			}
		})
	}
}

func TestRefreshErrors(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/auth/refresh", "", map[string]any{}, 400, fieldErr("refresh", msgRequired))
	h.expect("POST", "/v1/auth/refresh", "", map[string]any{"refresh": "abc"}, 401, refreshRefused(msgTokenBad))
	h.expect("POST", "/v1/auth/refresh", "", map[string]any{"refresh": 1}, 401, refreshRefused(msgTokenBad))
	h.expect("POST", "/v1/auth/refresh", "", map[string]any{"refresh": false}, 400, fieldErr("refresh", msgNotString))
}

func TestAuthenticationFailures(t *testing.T) {
	h := newHarness(t, Options{})
	tampered := h.admin[:len(h.admin)-2] + "xx"
	for _, c := range []struct {
		name   string
		header string
		status int
		want   any
	}{
		{"no header", "", 401, detailBody(msgNotAuthenticated)},
		{"other scheme", "Basic YWRtaW46eA==", 401, detailBody(msgNotAuthenticated)},
		{"garbage token", "Bearer abc", 401, accessRefused(msgTokenBad)},
		{"tampered token", "Bearer " + tampered, 401, accessRefused(msgTokenBad)},
		{"three parts", "Bearer a b", 401, map[string]any{"detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header"}},
		{"bearer alone", "Bearer", 401, map[string]any{"detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			st, b, hdr := h.doHeaders("POST", "/v1/docker/list", "", nil, map[string]string{"Authorization": c.header})
			if st != c.status {
				t.Fatalf("status %d: %s", st, b)
			}
			assertJSON(t, b, c.want)
			if hdr.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// Every endpoint: no token 401, reads open to both users, writes 403 for the
// ordinary user (never 401: clients answer a 401 by refreshing).
func TestPermissionsEveryEndpoint(t *testing.T) {
	h := newHarness(t, Options{Samples: true})
	reads := [][2]string{
		{"POST", "/v1/docker/list"}, {"GET", "/v1/docker/1"},
		{"GET", "/v1/hardware/get-hardware-generation/6.1"},
	}
	writes := [][2]string{
		{"POST", "/v1/docker/create"}, {"PUT", "/v1/docker/1"}, {"PATCH", "/v1/docker/1"}, {"DELETE", "/v1/docker/1"},
		{"PATCH", "/v1/licences/1/subdescriptors"}, {"PATCH", "/v1/licenses/1/subdescriptors"},
	}
	for _, res := range []string{"cuda", "frameworks", "hardware", "licences", "licenses", "job-contracts", "domains"} {
		reads = append(reads, [2]string{"POST", "/v1/" + res + "/list"}, [2]string{"GET", "/v1/" + res + "/1"})
		if res != "domains" {
			writes = append(writes, [2]string{"POST", "/v1/" + res + "/create"}, [2]string{"PUT", "/v1/" + res + "/1"},
				[2]string{"PATCH", "/v1/" + res + "/1"}, [2]string{"DELETE", "/v1/" + res + "/1"})
		}
	}
	for _, ep := range append(append([][2]string{}, reads...), writes...) {
		h.expect(ep[0], ep[1], "", nil, 401, detailBody(msgNotAuthenticated))
		h.expect(ep[0], ep[1]+"/", "", nil, 401, detailBody(msgNotAuthenticated))
	}
	for _, ep := range reads {
		h.expect(ep[0], ep[1], h.user, nil, 200, nil)
		h.expect(ep[0], ep[1], h.admin, nil, 200, nil)
	}
	for _, ep := range writes {
		h.expect(ep[0], ep[1], h.user, map[string]any{}, 403, detailBody(msgForbidden))
	}
	// The admin may write everywhere (the body decides what happens).
	h.expect("PATCH", "/v1/job-contracts/1", h.admin, map[string]any{}, 200, nil)
}

func TestExpiredAccessToken(t *testing.T) {
	h := newHarness(t, Options{AdminPassword: "pw"})
	h.srv.SetAccessLifetime(0) // tokens issued from now on are born expired
	tok := h.login("admin", "pw")
	h.expect("POST", "/v1/docker/list", tok["access"], nil, 401, accessRefused(msgTokenBad))
	// The refresh token still works, and so does a fresh access token once
	// the lifetime is back.
	h.srv.SetAccessLifetime(time.Minute)
	b := h.expect("POST", "/v1/auth/refresh", "", map[string]string{"refresh": tok["refresh"]}, 200, nil)
	h.expect("POST", "/v1/docker/list", decode[map[string]string](t, b)["access"], nil, 200, []any{})
}

func TestRefreshTokenExpires(t *testing.T) {
	h := newHarness(t, Options{AdminPassword: "pw", RefreshLifetime: time.Nanosecond})
	tok := h.login("admin", "pw")
	h.expect("POST", "/v1/auth/refresh", "", map[string]string{"refresh": tok["refresh"]}, 401, refreshRefused(msgTokenBad))
}

func TestRotateSigningKey(t *testing.T) {
	h := newHarness(t, Options{AdminPassword: "pw"})
	tok := h.login("admin", "pw")
	h.expect("POST", "/v1/docker/list", tok["access"], nil, 200, nil) // verified and cached
	h.srv.RotateSigningKey()
	h.expect("POST", "/v1/docker/list", tok["access"], nil, 401, accessRefused(msgTokenBad))
	h.expect("POST", "/v1/auth/refresh", "", map[string]string{"refresh": tok["refresh"]}, 401, nil)
	h.expect("POST", "/v1/docker/list", h.login("admin", "pw")["access"], nil, 200, nil)
}

func TestConfiguredSigningKeyAndLifetimes(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a, err := New(Options{SigningKey: key, AdminPassword: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{SigningKey: key, AdminPassword: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	// Same key: a token of one server is valid on the other.
	tok := a.auth.issue(a.auth.users[0], tokenAccess, time.Now())
	if u, ok := b.auth.check(tok, tokenAccess, time.Now()); !ok || u.name != "admin" {
		t.Fatal("token of a server with the same key refused")
	}
	c, exp := claimsOf(t, a, tok)
	if got := time.Duration(c.ExpMS-c.Iat*1000) * time.Millisecond; got < 5*time.Minute || got > 5*time.Minute+time.Second {
		t.Errorf("default access lifetime %v (exp %d)", got, exp)
	}
	be, _ := New(Options{Profile: ProfileUFDLBackend})
	if be.auth.refresh != 8*time.Hour || be.auth.access != 5*time.Minute {
		t.Errorf("ufdl-backend lifetimes %v / %v", be.auth.access, be.auth.refresh)
	}
	if a.auth.refresh != 24*time.Hour {
		t.Errorf("documented refresh lifetime %v", a.auth.refresh)
	}
}

func claimsOf(t *testing.T, s *Server, tok string) (claims, int64) {
	t.Helper()
	c, err := parseToken(s.auth.key, tok, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c, c.Exp
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Profile: "other"},
		{AdminUser: "same", User: "same"},
		{AccessLifetime: -time.Second},
		{MaxBodyBytes: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v): no error", o)
		}
	}
}

func TestGeneratedCredentials(t *testing.T) {
	s1, _ := New(Options{})
	s2, _ := New(Options{})
	au, ap, uu, up := s1.Credentials()
	_, ap2, _, _ := s2.Credentials()
	if au != "admin" || uu != "user" || len(ap) < 16 || len(up) < 16 || ap == up || ap == ap2 {
		t.Fatalf("credentials %q %q %q %q", au, ap, uu, up)
	}
}
