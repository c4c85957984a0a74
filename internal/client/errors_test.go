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

func TestAPIErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		name, method, path string
		status             int
		ctype, body        string
		want               string
	}{
		{"field error", "PATCH", "/v1/docker/5", 400, "application/json",
			`{"licence": ["Object with name=XYZ does not exist."]}`,
			"PATCH /v1/docker/5: 400 Bad Request: licence: Object with name=XYZ does not exist."},
		{"several fields sorted", "POST", "/v1/docker/create", 400, "application/json",
			`{"name": ["This field is required."], "cpu": ["Must be a valid boolean."], "domain": ["Object with name=xx does not exist.", "Second."]}`,
			"POST /v1/docker/create: 400 Bad Request: cpu: Must be a valid boolean.; domain: Object with name=xx does not exist. Second.; name: This field is required."},
		{"non_field_errors first", "PUT", "/v1/docker/2", 400, "application/json",
			`{"url": ["Enter a valid URL."], "non_field_errors": ["The fields name, version must make a unique set."]}`,
			"PUT /v1/docker/2: 400 Bad Request: The fields name, version must make a unique set.; url: Enter a valid URL."},
		{"detail", "DELETE", "/v1/docker/5", 400, "application/json",
			`{"detail": "Docker image 5 is still referenced by other objects and cannot be deleted."}`,
			"DELETE /v1/docker/5: 400 Bad Request: Docker image 5 is still referenced by other objects and cannot be deleted."},
		{"simplejwt extras ignored", "GET", "/v1/docker/1", 401, "application/json",
			`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken"}]}`,
			"GET /v1/docker/1: 401 Unauthorized: Given token not valid for any token type"},
		{"nested field errors", "POST", "/v1/docker/create", 400, "application/json",
			`{"tasks": {"1": ["Object with name=Foo does not exist."]}}`,
			"POST /v1/docker/create: 400 Bad Request: tasks: 1: Object with name=Foo does not exist."},
		{"top-level list", "POST", "/v1/docker/create", 400, "application/json",
			`["Something is wrong."]`,
			"POST /v1/docker/create: 400 Bad Request: Something is wrong."},
		{"html title", "PATCH", "/v1/docker/5", 500, "text/html; charset=utf-8",
			"<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n",
			"PATCH /v1/docker/5: 500 Internal Server Error: Server Error (500)"},
		{"django debug page", "PUT", "/v1/docker/5", 500, "text/html",
			`<html><head><title>IntegrityError
          at /v1/docker/5</title><style>body{}</style></head><body><h1>IntegrityError</h1>
			<pre class="exception_value">duplicate key value violates unique constraint &quot;dockerimage_name_version&quot;</pre></body></html>`,
			`PUT /v1/docker/5: 500 Internal Server Error: IntegrityError at /v1/docker/5: duplicate key value violates unique constraint "dockerimage_name_version"`},
		{"gateway page saying only the status", "POST", "/v1/docker/list", 502, "text/html",
			"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
			"POST /v1/docker/list: 502 Bad Gateway"},
		{"html without title", "GET", "/v1/docker/list", 405, "",
			"<html><body><script>var x = 1;</script><h1>Method   Not\nAllowed</h1><p>Use POST.</p></body></html>",
			"GET /v1/docker/list: 405 Method Not Allowed: Method Not Allowed Use POST."},
		{"empty body", "DELETE", "/v1/docker/5", 500, "", "",
			"DELETE /v1/docker/5: 500 Internal Server Error: empty response body"},
		{"truncated JSON", "GET", "/v1/docker/5", 502, "application/json", `{"detail": "Bad gat`,
			`GET /v1/docker/5: 502 Bad Gateway: malformed JSON: {"detail": "Bad gat`},
		{"plain text", "GET", "/v1/docker/5", 503, "text/plain", "upstream\tconnect error or disconnect/reset before headers",
			"GET /v1/docker/5: 503 Service Unavailable: upstream connect error or disconnect/reset before headers"},
		{"unknown status", "GET", "/v1/docker/5", 599, "", "{}",
			"GET /v1/docker/5: status 599"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.intercept(tc.method, route(tc.path), -1, status(tc.status, tc.ctype, tc.body))
			c := f.loggedIn(func(cfg *Config) { cfg.MaxRetries = 0 })
			resp, err := c.do(context.Background(), &request{method: tc.method, path: tc.path})
			if err != nil {
				t.Fatal(err)
			}
			got := c.check(&request{method: tc.method, path: tc.path}, resp, "x", nil)
			if want := atHost(tc.want, f.srv.URL); got == nil || got.Error() != want {
				t.Errorf("error =\n%v\nwant\n%s", got, want)
			}
		})
	}
}

// atHost is msg, an error about a request to a path, naming the full URL on host instead:
// "GET /v1/docker/5: ..." becomes "GET http://127.0.0.1:1234/v1/docker/5: ...".
func atHost(msg, host string) string { return strings.Replace(msg, " /v1/", " "+host+"/v1/", 1) }

func TestAPIErrorLongBodiesAreCut(t *testing.T) {
	body := strings.Repeat("x", 5000)
	e := parseErrorBody([]byte(body), "text/plain")
	if n := len([]rune(e.Summary)); n != 201 || !strings.HasSuffix(e.Summary, "…") {
		t.Errorf("summary has %d runes: %q", n, e.Summary)
	}
}

func TestPredicatesUseTypesThroughWrapping(t *testing.T) {
	base := &APIError{Method: "GET", Path: "/v1/docker/1", Status: 404, Detail: "Not found."}
	wrapped := fmt.Errorf("reading: %w", fmt.Errorf("again: %w", base))
	if !IsNotFound(wrapped) {
		t.Error("IsNotFound misses a wrapped 404")
	}
	if IsNotFound(errors.New("GET /v1/docker/1: 404 Not Found")) {
		t.Error("IsNotFound must not match text")
	}
	for status, pred := range map[int]func(error) bool{400: IsBadRequest, 401: IsUnauthorized, 403: IsForbidden, 404: IsNotFound} {
		e := &APIError{Status: status}
		if !pred(e) {
			t.Errorf("predicate for %d false", status)
		}
		if pred(&APIError{Status: 500}) {
			t.Errorf("predicate for %d true on 500", status)
		}
	}
	login := &LoginError{User: "admin", Detail: "No active account found with the given credentials", api: &APIError{Status: http.StatusUnauthorized}}
	if !IsUnauthorized(login) {
		t.Error("a refused login is unauthorized")
	}
	if IsUnauthorized(&LoginError{User: "x"}) {
		t.Error("LoginError without answer")
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	e := &DecodeError{Method: "GET", Path: "/v1/docker/5", Host: "https://ufdl.example.org", Status: 200, Want: "a docker image", Reason: "the JSON is truncated"}
	if got, want := e.Error(), "GET https://ufdl.example.org/v1/docker/5: 200 OK but the body is not a docker image: the JSON is truncated"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestBriefNetError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, "unknown error"},
		{context.DeadlineExceeded, "timed out"},
		{errors.New("weird"), "weird"},
		{fmt.Errorf("Get \"http://x\": %w", errors.New("inner problem")), "inner problem"},
		{&bodyTooLargeError{limit: 64 << 20}, "the answer is larger than 64 MiB"},
	} {
		if got := briefNetError(tc.err, 0); got != tc.want {
			t.Errorf("briefNetError(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestIsDuplicateAndIsNullRefused(t *testing.T) {
	apiErr := func(status int, detail string, fields map[string][]string) error {
		return fmt.Errorf("create: %w", &APIError{Method: "POST", Path: "/v1/docker/create", Status: status, Detail: detail, FieldErrors: fields})
	}
	for _, tc := range []struct {
		name      string
		err       error
		duplicate bool
		nullHW    bool
	}{
		{"DRF unique together", apiErr(400, "", map[string][]string{"non_field_errors": {"The fields name, version must make a unique set."}}), true, false},
		{"real backend create", apiErr(400, "duplicate key value violates unique constraint \"docker_dockerimage_name_version_uniq\"", nil), true, false},
		{"500 page naming the constraint", &APIError{Status: 500, Summary: "IntegrityError at /v1/docker/3: duplicate key value violates unique constraint"}, true, false},
		{"other 400", apiErr(400, "", map[string][]string{"licence": {"Object with name=X does not exist."}}), false, false},
		{"404", apiErr(404, "Not found.", nil), false, false},
		{"null generation", apiErr(400, "", map[string][]string{"min_hardware_generation": {"This field may not be null."}}), false, true},
		{"not an API error", errors.New("duplicate key"), false, false},
	} {
		if got := IsDuplicate(tc.err); got != tc.duplicate {
			t.Errorf("%s: IsDuplicate = %v", tc.name, got)
		}
		if got := IsNullRefused(tc.err, FieldMinHardwareGeneration); got != tc.nullHW {
			t.Errorf("%s: IsNullRefused = %v", tc.name, got)
		}
	}
}
