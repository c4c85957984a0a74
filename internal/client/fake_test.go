// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a small UFDL server for unit tests: JWT auth with opaque tokens, the
// lookup lists, and docker-image CRUD over an in-memory map. Tests script exact
// fault sequences with intercept, and read call counts and request bodies.
type fake struct {
	t   *testing.T
	srv *httptest.Server

	mu           sync.Mutex
	calls        map[string]int // "METHOD /path" (pk paths as /v1/docker/{pk})
	bodies       map[string][]string
	headers      []http.Header
	nextToken    int
	access       map[string]bool
	refresh      map[string]bool
	password     string
	images       map[int64]map[string]any // request form as stored
	nextPK       int64
	steps        []*step
	onRefresh    func() // called (outside the lock) on every refresh request
	onObtain     func()
	issueJWTLike bool
}

// step intercepts the n-th matching request (after skip of them) before the
// normal handler.
type step struct {
	method, route string
	skip, times   int
	handle        handler
}

// handler answers a request in place of the fake's own handling, and returns true
// when it did.
type handler = func(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool

const (
	testUser     = "admin"
	testPassword = "pa55-word-XYZ"
)

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{
		t:        t,
		calls:    map[string]int{},
		bodies:   map[string][]string{},
		access:   map[string]bool{},
		refresh:  map[string]bool{},
		password: testPassword,
		images:   map[int64]map[string]any{},
		nextPK:   1,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a Client for this server with tiny back-off waits.
func (f *fake) client(mod ...func(*Config)) *Client {
	f.t.Helper()
	cfg := Config{
		Host:         f.srv.URL + "/",
		Username:     testUser,
		Password:     testPassword,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 3 * time.Millisecond,
		MaxRetries:   4,
		UserAgent:    "client-test/1.0",
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

// loggedIn returns a client that has logged in already, for tests that start
// from a live session.
func (f *fake) loggedIn(mod ...func(*Config)) *Client {
	f.t.Helper()
	c := f.client(mod...)
	if err := c.Login(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fake) intercept(method, route string, times int, h handler) {
	s := &step{method: method, route: route, times: times, handle: h}
	f.mu.Lock()
	f.steps = append(f.steps, s)
	f.mu.Unlock()
}

func (f *fake) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

// wantCalls fails the test unless key ("METHOD /path", as count takes it) was
// requested want times; why, if given, says where that number comes from.
func (f *fake) wantCalls(key string, want int, why ...string) {
	f.t.Helper()
	if n := f.count(key); n != want {
		f.t.Error(strings.TrimSpace(fmt.Sprintf("%s calls = %d, want %d %s", key, n, want, strings.Join(why, " "))))
	}
}

func (f *fake) requestBodies(key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.bodies[key]...)
}

// revokeAccess makes every issued access token invalid (as after expiry).
func (f *fake) revokeAccess() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.access = map[string]bool{}
}

// revokeAll makes every issued token invalid (as after a signing-key rotation).
func (f *fake) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.access = map[string]bool{}
	f.refresh = map[string]bool{}
}

func route(path string) string {
	path = strings.TrimSuffix(path, "/")
	if rest, ok := strings.CutPrefix(path, "/v1/docker/"); ok {
		if _, err := strconv.ParseInt(rest, 10, 64); err == nil {
			return "/v1/docker/{pk}"
		}
	}
	return path
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	key := r.Method + " " + route(r.URL.Path)
	f.mu.Lock()
	f.calls[key]++
	f.bodies[key] = append(f.bodies[key], string(body))
	f.headers = append(f.headers, r.Header.Clone())
	var hit *step
	for _, s := range f.steps {
		if s.times == 0 || (s.method != "" && s.method != r.Method) || (s.route != "" && s.route != route(r.URL.Path)) {
			continue
		}
		if s.skip > 0 {
			s.skip--
			continue
		}
		if s.times > 0 {
			s.times--
		}
		hit = s
		break
	}
	f.mu.Unlock()
	if hit != nil && hit.handle(f, w, r, body) {
		return
	}
	f.handle(w, r, key, body)
}

func (f *fake) newTokens() (string, string) {
	f.nextToken++
	a, r := fmt.Sprintf("acc-%d-tok", f.nextToken), fmt.Sprintf("ref-%d-tok", f.nextToken)
	if f.issueJWTLike {
		a = jwtLike(fmt.Sprintf(`{"iat":1000,"exp":1060,"n":%d}`, f.nextToken))
	}
	return a, r
}

func (f *fake) handle(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	switch key {
	case "POST /v1/auth/obtain":
		if f.onObtain != nil {
			f.onObtain()
		}
		var in map[string]string
		_ = json.Unmarshal(body, &in)
		if in["username"] != testUser || in["password"] != f.password {
			writeJSON(w, 401, map[string]string{"detail": "No active account found with the given credentials"})
			return
		}
		f.mu.Lock()
		a, rt := f.newTokens()
		f.access[a], f.refresh[rt] = true, true
		f.mu.Unlock()
		writeJSON(w, 200, map[string]string{"access": a, "refresh": rt})
		return
	case "POST /v1/auth/refresh":
		if f.onRefresh != nil {
			f.onRefresh()
		}
		var in map[string]string
		_ = json.Unmarshal(body, &in)
		f.mu.Lock()
		ok := f.refresh[in["refresh"]]
		var a string
		if ok {
			a, _ = f.newTokens()
			f.access[a] = true
		}
		f.mu.Unlock()
		if !ok {
			writeJSON(w, 401, map[string]string{"detail": "Token is invalid or expired", "code": "token_not_valid"})
			return
		}
		writeJSON(w, 200, map[string]string{"access": a})
		return
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	valid := f.access[tok]
	f.mu.Unlock()
	if !valid {
		writeJSON(w, 401, map[string]any{"detail": "Given token not valid for any token type", "code": "token_not_valid",
			"messages": []any{map[string]string{"token_class": "AccessToken", "message": "Token is invalid or expired"}}})
		return
	}
	if table, ok := lookupTables[route(r.URL.Path)]; ok {
		writeJSON(w, 200, table)
		return
	}
	switch route(r.URL.Path) {
	case "/v1/docker/list":
		f.listImages(w, body)
	case "/v1/docker/create":
		var in map[string]any
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, 400, map[string]any{"detail": "JSON parse error"})
			return
		}
		pk, err := f.store(0, in)
		if err != nil {
			writeJSON(w, 400, map[string]any{"non_field_errors": []string{err.Error()}})
			return
		}
		writeJSON(w, 201, f.responseForm(pk))
	case "/v1/docker/{pk}":
		pk, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSuffix(r.URL.Path, "/"), "/v1/docker/"), 10, 64)
		f.mu.Lock()
		cur, ok := f.images[pk]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, 404, map[string]string{"detail": "Not found."})
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, f.responseForm(pk))
		case http.MethodDelete:
			f.mu.Lock()
			delete(f.images, pk)
			f.mu.Unlock()
			w.WriteHeader(204)
		case http.MethodPut, http.MethodPatch:
			var in map[string]any
			_ = json.Unmarshal(body, &in)
			if r.Method == http.MethodPatch {
				merged := map[string]any{}
				for k, v := range cur {
					merged[k] = v
				}
				for k, v := range in {
					merged[k] = v
				}
				in = merged
			}
			if _, err := f.store(pk, in); err != nil {
				writeJSON(w, 400, map[string]any{"non_field_errors": []string{err.Error()}})
				return
			}
			writeJSON(w, 200, f.responseForm(pk))
		}
	default:
		writeJSON(w, 404, map[string]string{"detail": "Not found."})
	}
}

// store saves a request-form image under pk (0: a new pk), enforcing the
// unique (name, version).
func (f *fake) store(pk int64, in map[string]any) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for other, img := range f.images {
		if other != pk && img["name"] == in["name"] && img["version"] == in["version"] {
			return 0, fmt.Errorf("The fields name, version must make a unique set.")
		}
	}
	if pk == 0 {
		pk = f.nextPK
		f.nextPK++
	}
	f.images[pk] = in
	return pk, nil
}

// put stores an image directly (as if made by someone else).
func (f *fake) put(spec ImageSpec) int64 {
	b, _ := json.Marshal(spec)
	var in map[string]any
	_ = json.Unmarshal(b, &in)
	pk, err := f.store(0, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return pk
}

func (f *fake) imageCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.images)
}

func (f *fake) responseForm(pk int64) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.images[pk]
	out := map[string]any{"pk": pk}
	for k, v := range in {
		out[k] = v
	}
	for _, c := range testCUDA {
		if c.Version == in["cuda_version"] {
			out["cuda_version"] = c
		}
	}
	for _, fw := range testFrameworks {
		if n, ok := in["framework"].(float64); ok && int64(n) == fw.PK {
			out["framework"] = fw
		}
	}
	for _, d := range testDomains {
		if d.Name == in["domain"] {
			out["domain"] = d.Description
		}
	}
	out["min_hardware_generation"] = nil
	for _, h := range testHardware {
		if h.Generation == in["min_hardware_generation"] {
			out["min_hardware_generation"] = h
		}
	}
	if tasks, ok := in["tasks"].([]any); ok {
		// Like the real backend: tasks come back in job-contract order.
		names := make([]string, 0, len(tasks))
		for _, t := range tasks {
			names = append(names, fmt.Sprint(t))
		}
		sort.Strings(names)
		out["tasks"] = names
	}
	return out
}

// listImages applies exact expressions on plain fields only; enough for FindImage.
func (f *fake) listImages(w http.ResponseWriter, body []byte) {
	var filter struct {
		Expressions []map[string]any `json:"expressions"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &filter); err != nil {
			writeJSON(w, 400, map[string]any{"detail": "bad filter"})
			return
		}
	}
	f.mu.Lock()
	pks := make([]int64, 0, len(f.images))
	for pk, img := range f.images {
		match := true
		for _, e := range filter.Expressions {
			if e["type"] == "exact" && img[fmt.Sprint(e["field"])] != e["value"] {
				match = false
			}
		}
		if match {
			pks = append(pks, pk)
		}
	}
	f.mu.Unlock()
	sort.Slice(pks, func(i, j int) bool { return pks[i] < pks[j] })
	out := []map[string]any{}
	for _, pk := range pks {
		out = append(out, f.responseForm(pk))
	}
	writeJSON(w, 200, out)
}

// hijackClose drops the connection without answering.
func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// commitThenDrop processes the request normally but drops the connection
// instead of answering: the create is stored, its answer lost.
func commitThenDrop(f *fake, w http.ResponseWriter, r *http.Request, body []byte) bool {
	rec := httptest.NewRecorder()
	f.handle(rec, r, r.Method+" "+route(r.URL.Path), body)
	hijackClose(w)
	return true
}

func drop(_ *fake, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
	hijackClose(w)
	return true
}

func status(code int, contentType, body string, header ...string) handler {
	return func(_ *fake, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
		return true
	}
}

func strp(s string) *string { return &s }

var (
	testDomains = []Domain{
		{PK: 1, Name: "ic", Description: "Image Classification"},
		{PK: 2, Name: "od", Description: "Object Detection"},
		{PK: 3, Name: "is", Description: "Image Segmentation"},
		{PK: 4, Name: "sp", Description: "Speech"},
		{PK: 5, Name: "sc", Description: "Spectrum Classification"},
	}
	testCUDA = []CUDAVersion{
		{PK: 1, Version: "11.1", FullVersion: "11.1.1", MinDriverVersion: "455.32"},
		{PK: 2, Version: "10.0", FullVersion: "10.0.130", MinDriverVersion: "410.48"},
		{PK: 3, Version: "9.2", FullVersion: "9.2.148", MinDriverVersion: "396.37"},
		{PK: 4, Version: "11.7", FullVersion: "11.7.0", MinDriverVersion: "515.65.01"},
	}
	testHardware = []HardwareGeneration{
		{PK: 1, Generation: "Pascal", MinComputeCapability: 6, MaxComputeCapability: 7},
		{PK: 2, Generation: "Kepler", MinComputeCapability: 3, MaxComputeCapability: 5},
		{PK: 3, Generation: "Ampere", MinComputeCapability: 8, MaxComputeCapability: 9},
	}
	testLicences = []Licence{
		{PK: 1, Name: "GPL3", URL: "https://www.gnu.org/licenses/gpl-3.0.en.html"},
		{PK: 2, Name: "apache 2.0", URL: "https://opensource.org/licenses/Apache-2.0"},
		{PK: 3, Name: "MIT", URL: "https://opensource.org/licenses/MIT"},
	}
	testJobContracts = []JobContract{
		{PK: 1, Name: "Train", Pkg: "ufdl.jobcontracts", Cls: "ufdl.jobcontracts.standard.Train"},
		{PK: 2, Name: "Predict", Pkg: "ufdl.jobcontracts", Cls: "ufdl.jobcontracts.standard.Predict"},
	}
	testFrameworks = []Framework{
		{PK: 17, Name: "yolo", Version: "v7"},
		{PK: 3, Name: "mmdetection", Version: "2020-03-01"},
	}
)

// lookupTables are what the fake lists at each lookup route.
var lookupTables = map[string]any{
	"/v1/domains/list":       testDomains,
	"/v1/cuda/list":          testCUDA,
	"/v1/hardware/list":      testHardware,
	"/v1/licences/list":      testLicences,
	"/v1/job-contracts/list": testJobContracts,
	"/v1/frameworks/list":    testFrameworks,
}

// yoloSpec is a valid request-form image.
func yoloSpec() ImageSpec {
	return ImageSpec{
		Name:                  "yolo",
		Version:               "v7_2022-10-08_cuda11.1",
		URL:                   "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		RegistryURL:           "public.aml-repo.cms.waikato.ac.nz:443",
		RegistryUsername:      strp("public"),
		RegistryPassword:      strp("reg-Secret-77"),
		CUDAVersion:           "11.1",
		Framework:             17,
		Domain:                "od",
		Tasks:                 []string{"Train", "Predict"},
		MinHardwareGeneration: strp("Pascal"),
		CPU:                   false,
		Licence:               "GPL3",
	}
}

// captureLogger records every log line, for assertions.
type captureLogger struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	level, msg string
	fields     map[string]any
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("debug", msg, f)
}

func (l *captureLogger) Info(_ context.Context, msg string, f map[string]any) {
	l.add("info", msg, f)
}

func (l *captureLogger) Warn(_ context.Context, msg string, f map[string]any) {
	l.add("warn", msg, f)
}

func (l *captureLogger) Error(_ context.Context, msg string, f map[string]any) {
	l.add("error", msg, f)
}

func (l *captureLogger) all() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine{}, l.lines...)
}

// text renders every line with its fields, for substring checks.
func (l *captureLogger) text() string {
	var b strings.Builder
	for _, line := range l.all() {
		fmt.Fprintf(&b, "%s %s %v\n", line.level, line.msg, line.fields)
	}
	return b.String()
}

func jwtLike(payload string) string {
	enc := func(s string) string {
		return strings.TrimRight(base64URL(s), "=")
	}
	return enc(`{"alg":"HS256","typ":"JWT"}`) + "." + enc(payload) + ".c2lnbmF0dXJl"
}

func base64URL(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

func httptestRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
