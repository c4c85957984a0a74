// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"
	"time"
)

// APIError is a non-2xx answer from the server. Detail and FieldErrors hold the
// Django REST framework message ({"detail": ...} / {"field": [...]}, including
// "non_field_errors"); Summary holds a readable reduction of a body that is not
// JSON (an HTML page's <title>, or the first characters of the text).
type APIError struct {
	Method, Path string
	// Host is the server's base URL, so that the message names the address the request went
	// to; "" for an answer the client derived itself (an image a list did not hold).
	Host        string
	Status      int
	Detail      string
	FieldErrors map[string][]string
	Summary     string

	retryAfter bool // the server said when to come back: it did not process the request
}

// Error reads like "PATCH http://h/v1/docker/5: 400 Bad Request: licence: Object with name=XYZ does not exist.".
func (e *APIError) Error() string {
	status := statusLine(e.Status)
	s := fmt.Sprintf("%s %s: %s", e.Method, e.URL(), status)
	// A gateway's page often says no more than the status ("<title>502 Bad Gateway</title>").
	if m := e.Message(); m != "" && !strings.EqualFold(m, status) {
		s += ": " + m
	}
	return s
}

// URL is the address the request went to: the host's base URL and the path. A 404 from a
// host URL with a wrong path prefix is only understood with it.
func (e *APIError) URL() string { return e.Host + e.Path }

// Message is the server's message without method, path and status, e.g.
// "licence: Object with name=XYZ does not exist.". Field errors are sorted by
// field, non_field_errors first and without a prefix.
func (e *APIError) Message() string {
	var parts []string
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	keys := make([]string, 0, len(e.FieldErrors))
	for k := range e.FieldErrors {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == nonFieldErrors) != (keys[j] == nonFieldErrors) {
			return keys[i] == nonFieldErrors
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		msg := strings.Join(e.FieldErrors[k], " ")
		if k == nonFieldErrors {
			parts = append(parts, msg)
		} else {
			parts = append(parts, k+": "+msg)
		}
	}
	if e.Summary != "" {
		parts = append(parts, e.Summary)
	}
	return strings.Join(parts, "; ")
}

const nonFieldErrors = "non_field_errors"

func statusLine(status int) string {
	if t := http.StatusText(status); t != "" {
		return fmt.Sprintf("%d %s", status, t)
	}
	return fmt.Sprintf("status %d", status)
}

// IsNotFound reports whether err is (or wraps) a 404 answer.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsForbidden reports whether err is (or wraps) a 403 answer: authenticated, but
// not allowed (e.g. a non-admin user writing).
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsUnauthorized reports whether err is (or wraps) a 401 answer, including a
// refused login.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsBadRequest reports whether err is (or wraps) a 400 answer (validation,
// unknown lookup values, duplicates).
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsServerError reports whether err is an answer of status 500 or more: the server failed.
func IsServerError(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status >= 500
}

// IsDuplicate reports whether err is the server refusing an image because another image
// has its (name, version): a DRF unique-together error, or (the real backend) the
// database's unique-constraint message in "detail", on create as 400 and, where the body
// is still readable, as 500 on PUT and PATCH.
func IsDuplicate(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusInternalServerError) {
		return false
	}
	for _, m := range ae.FieldErrors[nonFieldErrors] {
		if strings.Contains(m, "unique") {
			return true
		}
	}
	return strings.Contains(ae.Detail, "duplicate key") || strings.Contains(ae.Summary, "duplicate key")
}

// IsNullRefused reports whether err refuses a null for field ("This field may not be
// null."): the real backend refuses a null min_hardware_generation even for CPU images.
func IsNullRefused(err error, field string) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	for _, m := range ae.FieldErrors[field] {
		if strings.Contains(m, "may not be null") {
			return true
		}
	}
	return false
}

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// LoginError says the server refused the username/password.
type LoginError struct {
	User   string
	Detail string

	api *APIError
}

func (e *LoginError) Error() string {
	s := fmt.Sprintf("login as %q was refused by the server", e.User)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap exposes the server's answer, so IsUnauthorized and IsBadRequest work.
func (e *LoginError) Unwrap() error {
	if e.api == nil {
		return nil
	}
	return e.api
}

// ConnectionError says the server could not be reached (refused, reset, timed
// out, DNS, TLS) after all retries. Err is the last underlying error; Error()
// reduces it to one short phrase.
type ConnectionError struct {
	Host     string
	Method   string
	Path     string
	Attempts int
	Err      error

	maybeSent  bool          // the request may have reached the server (not a dial failure)
	perAttempt time.Duration // the per-attempt timeout, for the message
}

func (e *ConnectionError) Error() string {
	where := ""
	if e.Method != "" {
		where = e.Method + " " + e.Path
	}
	if e.Attempts > 1 {
		if where != "" {
			where += ", "
		}
		where += fmt.Sprintf("%d attempts", e.Attempts)
	}
	if where != "" {
		where = " (" + where + ")"
	}
	return fmt.Sprintf("cannot reach the UFDL server at %s%s: %s", e.Host, where, briefNetError(e.Err, e.perAttempt))
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// Reason is the short phrase a user can act on: "connection refused", "timed out after 30s".
func (e *ConnectionError) Reason() string { return briefNetError(e.Err, e.perAttempt) }

// URL is the address the request went to.
func (e *ConnectionError) URL() string { return e.Host + e.Path }

// briefNetError reduces a transport error to the phrase a user can act on.
func briefNetError(err error, perAttempt time.Duration) string {
	if err == nil {
		return "unknown error"
	}
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		errno    syscall.Errno
		netErr   net.Error
		overflow *bodyTooLargeError
	)
	switch {
	case errors.As(err, &overflow):
		return overflow.Error()
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("host %q not found", dnsErr.Name)
		}
		return fmt.Sprintf("DNS lookup of %q failed: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &certErr):
		return "TLS certificate not accepted: " + certErr.Err.Error()
	case errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid):
		return "TLS certificate not accepted: " + innermost(err).Error()
	case errors.As(err, &recErr), isHTTPToHTTPS(err):
		return "the server did not answer TLS (does the host need http:// instead of https://?)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		if perAttempt > 0 {
			return fmt.Sprintf("no answer within %s", perAttempt)
		}
		return "timed out"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection without a complete answer"
	case errors.As(err, &errno):
		return errno.Error()
	}
	return innermost(err).Error()
}

// isHTTPToHTTPS recognises net/http's untyped error for an https:// request
// answered in plain HTTP; only its text identifies it.
func isHTTPToHTTPS(err error) bool {
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// innermost unwraps to the deepest error, dropping the "Post \"http://...\":"
// prefixes that net/http adds.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// DecodeError says a 2xx answer did not hold what the endpoint promises, e.g.
// "GET http://h/v1/docker/5: 200 OK but the body is not a docker image: the JSON is truncated".
// Like APIError it names the whole URL: an HTML page in place of JSON usually means the host
// points at something other than the UFDL server.
type DecodeError struct {
	Method, Path string
	Host         string // the server's base URL
	Status       int
	Want         string // "a docker image", "a list of frameworks", ...
	Reason       string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s%s: %s but the body is not %s: %s", e.Method, e.Host, e.Path, statusLine(e.Status), e.Want, e.Reason)
}

// ImageConflictError says a create whose outcome was unknown (lost response,
// server error) found an image with the same name and version that differs from
// what was sent, so it was not adopted.
type ImageConflictError struct {
	Name, Version string
	PK            int64
	Differences   []string // "cuda_version: sent \"11.1\", server has \"11.2\"", secrets never shown
	Cause         error    // the failure that made the create's outcome unknown
}

func (e *ImageConflictError) Error() string {
	return fmt.Sprintf("creating docker image %s:%s failed (%v), and an image %s:%s already exists on the server (pk %d) "+
		"and differs from the one sent: %s; it was not created by this request, or was changed since: import it or choose another name or version",
		e.Name, e.Version, e.Cause, e.Name, e.Version, e.PK, strings.Join(e.Differences, "; "))
}

func (e *ImageConflictError) Unwrap() error { return e.Cause }
