// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"fmt"
	"net/http"
)

// response is what a handler produces. Handlers never write to the
// ResponseWriter themselves, so that faults can replace or drop an answer after
// the request was processed.
type response struct {
	status int
	ctype  string
	body   []byte
	header [][2]string // extra headers (Allow, WWW-Authenticate, Retry-After)
}

func (r response) with(key, value string) response {
	r.header = append(r.header[:len(r.header):len(r.header)], [2]string{key, value})
	return r
}

const (
	contentJSON = "application/json"
	contentHTML = "text/html; charset=utf-8"
)

// Django's own error pages (django.views.defaults, DEBUG off), which the
// backend answers for a path no route matches (404) and for an unhandled
// error (500): HTML, not JSON.
const (
	djangoErrorPage = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>%[1]s</title>\n</head>\n<body>\n  <h1>%[1]s</h1><p>%[2]s</p>\n</body>\n</html>\n"
)

var (
	serverErrorPage = fmt.Sprintf(djangoErrorPage, "Server Error (500)", "")
	notFoundPage    = fmt.Sprintf(djangoErrorPage, "Not Found", "The requested resource was not found on this server.")
)

// DRF's standard detail messages.
const (
	msgNotAuthenticated = "Authentication credentials were not provided."
	msgTokenInvalid     = "Given token not valid for any token type"
	msgTokenBad         = "Token is invalid or expired"
	msgTokenWrongType   = "Token has wrong type"
	msgForbidden        = "You do not have permission to perform this action."
	msgNotFound         = "Not found."
	msgRequired         = "This field is required."
	msgNotNull          = "This field may not be null."
	msgNotBlank         = "This field may not be blank."
	msgNotString        = "Not a valid string."
	msgNotBool          = "Must be a valid boolean."
	msgBadURL           = "Enter a valid URL."
	msgNotNumber        = "A valid number is required."
)

func noContent() response { return response{status: http.StatusNoContent} }

func rawJSON(status int, b []byte) response {
	return response{status: status, ctype: contentJSON, body: b}
}

func detail(status int, msg string) response {
	return rawJSON(status, appendDetail(nil, msg))
}

func appendDetail(b []byte, msg string) []byte {
	b = append(b, `{"detail":`...)
	b = appendString(b, msg)
	return append(b, '}')
}

func htmlServerError() response {
	return response{status: http.StatusInternalServerError, ctype: contentHTML, body: []byte(serverErrorPage)}
}

func htmlNotFound() response {
	return response{status: http.StatusNotFound, ctype: contentHTML, body: []byte(notFoundPage)}
}

func methodNotAllowed(method, allow string) response {
	return detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", method)).with("Allow", allow)
}

// fieldErrors collects DRF field errors in the order the fields are declared,
// which is the order DRF reports them in.
type fieldErrors struct {
	keys []string
	msgs map[string][]string
}

func (e *fieldErrors) add(field, msg string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[field]; !ok {
		e.keys = append(e.keys, field)
	}
	e.msgs[field] = append(e.msgs[field], msg)
}

func (e *fieldErrors) empty() bool { return e == nil || len(e.keys) == 0 }

func (e *fieldErrors) has(field string) bool {
	_, ok := e.msgs[field]
	return ok
}

func (e *fieldErrors) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, k := range e.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':', '[')
		for j, m := range e.msgs[k] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (e *fieldErrors) response() response {
	return rawJSON(http.StatusBadRequest, e.appendJSON(nil))
}

func singleFieldError(field, msg string) response {
	var e fieldErrors
	e.add(field, msg)
	return e.response()
}

// Error is what the Go-only data hooks return when the server would have
// answered with an error status. Body is the JSON (or HTML) body it would have
// sent.
type Error struct {
	Status int
	Body   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("refserver: %d %s: %s", e.Status, http.StatusText(e.Status), e.Body)
}

func (r response) err() error {
	if r.status < 400 {
		return nil
	}
	return &Error{Status: r.status, Body: string(r.body)}
}
