// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// harness is one server on a random loopback port with tokens for both users.
type harness struct {
	t     *testing.T
	srv   *Server
	url   string
	admin string // access token of the admin
	user  string // access token of the ordinary user
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	h := &harness{t: t, srv: srv, url: ts.URL}
	au, ap, uu, up := srv.Credentials()
	h.admin = h.login(au, ap)["access"]
	h.user = h.login(uu, up)["access"]
	srv.ResetCalls()
	return h
}

func (h *harness) login(name, password string) map[string]string {
	h.t.Helper()
	st, body := h.do("POST", "/v1/auth/obtain", "", map[string]string{"username": name, "password": password})
	if st != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", name, st, body)
	}
	var tok map[string]string
	if err := json.Unmarshal(body, &tok); err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// do sends a request. body: nil sends none, string and []byte are sent raw,
// anything else as JSON.
func (h *harness) do(method, path, token string, body any) (int, []byte) {
	h.t.Helper()
	st, b, _ := h.doHeaders(method, path, token, body, nil)
	return st, b
}

func (h *harness) doHeaders(method, path, token string, body any, header map[string]string) (int, []byte, http.Header) {
	h.t.Helper()
	st, b, hdr, err := h.try(method, path, token, body, header)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return st, b, hdr
}

// try is doHeaders without the testing.T, for goroutines other than the
// test's own.
func (h *harness) try(method, path, token string, body any, header map[string]string) (int, []byte, http.Header, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header, err
}

// expect sends a request and checks status and, when want is not nil, the
// JSON body (compared as decoded values).
func (h *harness) expect(method, path, token string, body any, status int, want any) []byte {
	h.t.Helper()
	st, b := h.do(method, path, token, body)
	if st != status {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, st, status, b)
	}
	if want != nil {
		assertJSON(h.t, b, want)
	}
	return b
}

func assertJSON(t *testing.T, got []byte, want any) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, got)
	}
	wb, _ := json.Marshal(want)
	_ = json.Unmarshal(wb, &w)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body\n got %s\nwant %s", got, wb)
	}
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// yoloBody is a valid create body (request form), a real image of the
// deployment; framework 12 is yolo v7 in the seed (seed/frameworks.json, as
// the real backend serves it).
func yoloBody() map[string]any {
	return map[string]any{
		"name":                    "yolo",
		"version":                 "v7_2022-10-08_cuda11.1",
		"url":                     "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		"registry_url":            "public.aml-repo.cms.waikato.ac.nz:443",
		"registry_username":       "public",
		"registry_password":       "public",
		"cuda_version":            "11.1",
		"framework":               12,
		"domain":                  "od",
		"tasks":                   []string{"Train", "Predict"},
		"min_hardware_generation": "Pascal",
		"cpu":                     false,
		"licence":                 "GPL3",
	}
}

// yoloResponse is the response form of yoloBody created as pk (tasks in link
// order: a new image's in job-contract pk order).
// yoloResponse is the answer to creating yoloBody on an empty server: image 1.
func yoloResponse() map[string]any {
	return map[string]any{
		"pk":                int64(1),
		"name":              "yolo",
		"version":           "v7_2022-10-08_cuda11.1",
		"url":               "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		"registry_url":      "public.aml-repo.cms.waikato.ac.nz:443",
		"registry_username": "public",
		"registry_password": "public",
		"cuda_version":      map[string]any{"pk": 10, "version": "11.1", "full_version": "11.1.0", "min_driver_version": "455.23.05"},
		"framework":         map[string]any{"pk": 12, "name": "yolo", "version": "v7"},
		"domain":            "Object Detection",
		"tasks":             []string{"Predict", "Train"},
		"min_hardware_generation": map[string]any{"pk": 4, "generation": "Pascal",
			"min_compute_capability": 6.0, "max_compute_capability": 7.0},
		"cpu":     false,
		"licence": "GPL3",
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return c
}

func without(m map[string]any, keys ...string) map[string]any {
	c := with(m)
	for _, k := range keys {
		delete(c, k)
	}
	return c
}

func fieldErr(field, msg string) map[string]any {
	return map[string]any{field: []string{msg}}
}

func detailBody(msg string) map[string]any { return map[string]any{"detail": msg} }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func runtimeGosched() { runtime.Gosched() }

func timeNow() time.Time { return time.Now() }
