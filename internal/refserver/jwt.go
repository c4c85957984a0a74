// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// HS256 JSON Web Tokens, written out rather than imported: the server needs
// only signing and verification with one shared key, and a small hand-written
// verifier is easy to fuzz.

var b64 = base64.RawURLEncoding

// jwtHeader is the fixed header of every token we issue.
var jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

const (
	tokenAccess  = "access"
	tokenRefresh = "refresh"
)

// claims follow djangorestframework-simplejwt. exp is whole seconds as the RFC
// and most clients expect; exp_ms carries the exact expiry so that sub-second
// lifetimes (tests of token expiry) behave exactly.
type claims struct {
	TokenType string `json:"token_type"`
	Exp       int64  `json:"exp"`
	ExpMS     int64  `json:"exp_ms"`
	Iat       int64  `json:"iat"`
	JTI       string `json:"jti"`
	UserID    int64  `json:"user_id"`
}

var (
	errTokenMalformed = errors.New("token is malformed")
	errTokenSignature = errors.New("token signature is invalid")
	errTokenExpired   = errors.New("token is expired")
)

func signToken(key []byte, c claims) string {
	payload, _ := json.Marshal(c)
	unsigned := jwtHeader + "." + b64.EncodeToString(payload)
	return unsigned + "." + b64.EncodeToString(hs256(key, unsigned))
}

func hs256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// parseToken verifies signature and expiry and returns the claims.
func parseToken(key []byte, token string, now time.Time) (claims, error) {
	var c claims
	head, rest, ok := strings.Cut(token, ".")
	if !ok {
		return c, errTokenMalformed
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return c, errTokenMalformed
	}
	if head != jwtHeader { // ours always carry the same header; check others
		hb, err := b64.DecodeString(head)
		if err != nil {
			return c, errTokenMalformed
		}
		var h struct {
			Alg string `json:"alg"`
		}
		if json.Unmarshal(hb, &h) != nil || h.Alg != "HS256" {
			return c, errTokenMalformed
		}
	}
	sb, err := b64.DecodeString(sig)
	if err != nil {
		return c, errTokenMalformed
	}
	if !hmac.Equal(sb, hs256(key, head+"."+payload)) {
		return c, errTokenSignature
	}
	pb, err := b64.DecodeString(payload)
	if err != nil || json.Unmarshal(pb, &c) != nil {
		return c, errTokenMalformed
	}
	exp := c.ExpMS
	if exp == 0 {
		exp = c.Exp * 1000
	}
	if now.UnixMilli() >= exp {
		return c, errTokenExpired
	}
	return c, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("refserver: crypto/rand failed: " + err.Error())
	}
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
