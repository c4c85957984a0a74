// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

type user struct {
	id       int64
	name     string
	password string
	staff    bool // DRF's is_staff: may write
}

// authority issues and checks tokens. The signing key and the access lifetime
// change at run time through test hooks, hence the lock.
type authority struct {
	mu      sync.RWMutex
	key     []byte
	keyGen  int // bumped by every key change, so a stale verification is not cached
	access  time.Duration
	refresh time.Duration
	users   []*user
	// verified caches tokens whose signature was checked: verification
	// (HMAC, base64, JSON) is most of the cost of a retrieve otherwise. Only
	// verified tokens enter, and the map is emptied when full or rekeyed.
	verified map[string]verifiedToken
}

type verifiedToken struct {
	u     *user
	kind  string
	expMS int64
}

const maxVerifiedTokens = 4096

func (a *authority) issue(u *user, kind string, now time.Time) string {
	a.mu.RLock()
	key, life := a.key, a.access
	if kind == tokenRefresh {
		life = a.refresh
	}
	a.mu.RUnlock()
	exp := now.Add(life)
	return signToken(key, claims{
		TokenType: kind,
		Exp:       exp.Unix(),
		ExpMS:     exp.UnixMilli(),
		Iat:       now.Unix(),
		JTI:       randomHex(16),
		UserID:    u.id,
	})
}

// check returns the user of a valid token of the given kind.
func (a *authority) check(token, kind string, now time.Time) (*user, bool) {
	u, reason := a.verify(token, kind, now)
	return u, reason == ""
}

// verify returns the user of a valid token of the given kind, or simplejwt's
// reason for refusing it: "Token has wrong type" for a valid token of the
// other kind, "Token is invalid or expired" for anything else.
func (a *authority) verify(token, kind string, now time.Time) (*user, string) {
	a.mu.RLock()
	key, gen := a.key, a.keyGen
	v, cached := a.verified[token]
	a.mu.RUnlock()
	if !cached {
		c, err := parseToken(key, token, now)
		if err != nil {
			return nil, msgTokenBad
		}
		v = verifiedToken{kind: c.TokenType, expMS: c.ExpMS}
		if v.expMS == 0 {
			v.expMS = c.Exp * 1000
		}
		for _, u := range a.users {
			if u.id == c.UserID {
				v.u = u
			}
		}
		a.mu.Lock()
		if a.keyGen == gen {
			if a.verified == nil || len(a.verified) >= maxVerifiedTokens {
				a.verified = map[string]verifiedToken{}
			}
			a.verified[token] = v
		}
		a.mu.Unlock()
	}
	switch {
	case now.UnixMilli() >= v.expMS:
		return nil, msgTokenBad
	case v.kind != kind:
		return nil, msgTokenWrongType
	case v.u == nil:
		return nil, msgTokenBad
	}
	return v.u, ""
}

// rekey replaces the signing key; every token issued so far becomes invalid.
func (a *authority) rekey(key []byte) {
	a.mu.Lock()
	a.key = key
	a.keyGen++
	a.verified = nil
	a.mu.Unlock()
}

func (a *authority) login(name, password string) *user {
	for _, u := range a.users {
		// Compare both so that timing does not tell which one was wrong.
		okName := subtle.ConstantTimeCompare([]byte(u.name), []byte(name))
		okPass := subtle.ConstantTimeCompare([]byte(u.password), []byte(password))
		if okName&okPass == 1 {
			return u
		}
	}
	return nil
}

// authenticate reads "Authorization: Bearer <access>" the way simplejwt does:
// another scheme means "no credentials", a bad token is an error with
// simplejwt's body (detail, code and, for a token, the reason per token class).
func (s *Server) authenticate(r *http.Request) (*user, response, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, response{}, true
	}
	parts := strings.Fields(h)
	if len(parts) == 0 || parts[0] != "Bearer" {
		return nil, response{}, true
	}
	if len(parts) != 2 {
		return nil, tokenError("Authorization header must contain two space-delimited values", "bad_authorization_header", ""), false
	}
	u, reason := s.auth.verify(parts[1], tokenAccess, time.Now())
	if reason != "" {
		return nil, tokenError(msgTokenInvalid, "token_not_valid", reason), false
	}
	return u, response{}, true
}

// tokenError is simplejwt's 401: detail and code, and for an access token the
// reason it was refused as an AccessToken.
func tokenError(msg, code, reason string) response {
	b := append([]byte(nil), `{"detail":`...)
	b = appendString(b, msg)
	b = append(b, `,"code":`...)
	b = appendString(b, code)
	if reason != "" {
		b = append(b, `,"messages":[{"token_class":"AccessToken","token_type":"access","message":`...)
		b = appendString(b, reason)
		b = append(b, `}]`...)
	}
	return rawJSON(http.StatusUnauthorized, append(b, '}')).with("WWW-Authenticate", `Bearer realm="api"`)
}

func unauthorized(msg string) response {
	return detail(http.StatusUnauthorized, msg).with("WWW-Authenticate", `Bearer realm="api"`)
}

// stringFields decodes required, non-blank string members (the token
// serializers' fields) with DRF's CharField rules: numbers are their Python
// text, surrounding whitespace is trimmed.
func stringFields(obj map[string]json.RawMessage, names []string) (map[string]string, *fieldErrors) {
	out := map[string]string{}
	var errs fieldErrors
	for _, n := range names {
		raw, ok := obj[n]
		switch {
		case !ok:
			errs.add(n, msgRequired)
		case isNull(raw):
			errs.add(n, msgNotNull)
		default:
			switch pyType(raw) {
			case "str", "int", "float":
			default:
				errs.add(n, msgNotString)
				continue
			}
			v := strings.TrimSpace(pyStr(raw))
			if v == "" {
				errs.add(n, msgNotBlank)
				continue
			}
			out[n] = v
		}
	}
	if !errs.empty() {
		return nil, &errs
	}
	return out, nil
}

// DRF's metadata of the token views (their answer to OPTIONS).
const (
	obtainMetadata = `{"name":"Token Obtain Pair","description":"Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.",` +
		`"renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],` +
		`"actions":{"POST":{"username":{"type":"string","required":true,"read_only":false,"label":"Username"},"password":{"type":"string","required":true,"read_only":false,"label":"Password"}}}}`
	refreshMetadata = `{"name":"Token Refresh","description":"Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.",` +
		`"renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],` +
		`"actions":{"POST":{"refresh":{"type":"string","required":true,"read_only":false,"label":"Refresh"},"access":{"type":"string","required":false,"read_only":true,"label":"Access"}}}}`
)

func (s *Server) handleObtain(rq *request) response {
	obj, resp, ok := rq.data.object()
	if !ok {
		return resp
	}
	f, errs := stringFields(obj, []string{"username", "password"})
	if errs != nil {
		return errs.response()
	}
	u := s.auth.login(f["username"], f["password"])
	if u == nil {
		return unauthorized("No active account found with the given credentials")
	}
	now := time.Now()
	b := append([]byte(nil), `{"refresh":`...)
	b = appendString(b, s.auth.issue(u, tokenRefresh, now))
	b = append(b, `,"access":`...)
	b = appendString(b, s.auth.issue(u, tokenAccess, now))
	return rawJSON(http.StatusOK, append(b, '}'))
}

func (s *Server) handleRefresh(rq *request) response {
	obj, resp, ok := rq.data.object()
	if !ok {
		return resp
	}
	f, errs := stringFields(obj, []string{"refresh"})
	if errs != nil {
		return errs.response()
	}
	now := time.Now()
	u, reason := s.auth.verify(f["refresh"], tokenRefresh, now)
	if reason != "" {
		return tokenError(reason, "token_not_valid", "")
	}
	b := append([]byte(nil), `{"access":`...)
	b = appendString(b, s.auth.issue(u, tokenAccess, now))
	return rawJSON(http.StatusOK, append(b, '}'))
}
