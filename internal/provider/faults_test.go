// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// The tests in this file inject faults into the reference server while the real terraform
// CLI applies, plans and destroys images with the provider built as a binary. After every
// fault they check the invariants users rely on: the command succeeds or fails with one
// clear message, the server holds exactly the images the state holds (no duplicate, no
// orphan), a re-run converges to an empty plan, and no secret reaches output or logs.

// faultRegistryPassword is the registry password of every image here; it must never show.
const faultRegistryPassword = "faults-registry-pw-7f3a"

// tfRun drives one working directory with the terraform CLI against one server: the
// reference server, or an external deployment (then only through its proxy's faults).
type tfRun struct {
	t       *testing.T
	srv     *acctest.Server
	w       *acctest.Workdir
	env     []string
	logPath string
	// prefix begins the name of every image the run makes: the server's images of the run.
	prefix string
	// unmanaged lists images made outside Terraform, which state is not expected to hold.
	unmanaged []int64
}

// newTFRun runs testdata/count/main.tf: var.n images named prefix-<index>.
func newTFRun(t *testing.T, srv *acctest.Server, prefix string, env ...string) *tfRun {
	t.Helper()
	return newTFRunConfig(t, srv, prefix, acctest.TestdataFile(t, "count/main.tf"), env...)
}

// newTFRunConfig runs config, whose images are named prefix-<something>, with TF_VAR_prefix
// and TF_VAR_framework set; it removes them from the server when t ends.
func newTFRunConfig(t *testing.T, srv *acctest.Server, prefix, config string, env ...string) *tfRun {
	t.Helper()
	w := acctest.NewWorkdir(t, config)
	logPath := filepath.Join(w.Dir, "provider.log")
	r := &tfRun{t: t, srv: srv, w: w, logPath: logPath, prefix: prefix, env: append(srv.Env(
		"TF_VAR_prefix="+prefix, "TF_VAR_framework="+strconv.FormatInt(yoloV7(t, srv), 10),
		"TF_VAR_registry_username=public", "TF_VAR_registry_password="+faultRegistryPassword,
		"UFDL_MAX_RETRIES=4",
		// The provider's own debug log (every request, retry and renewal), checked for secrets.
		"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logPath,
	), env...)}
	srv.RemoveAtEnd(t, prefix+"-")
	t.Cleanup(r.checkLogClean)
	return r
}

// skipUnlessAcc skips t unless acceptance tests are enabled, and needs the in-process server.
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if acctest.External() {
		t.Skip("injects faults through the reference server's test hooks; not available against an external deployment")
	}
}

// run runs terraform with args (plus -no-color -input=false) and extra environment, and
// returns its output and exit code. Output is checked for crashes and secrets every time.
func (r *tfRun) run(env []string, args ...string) (string, int) {
	r.t.Helper()
	// The flags go before any plan file: the CLI takes positional arguments last.
	args = append([]string{args[0], "-no-color", "-input=false"}, args[1:]...)
	out, err := r.w.RunEnv(append(slices.Clone(r.env), env...), args...)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		r.t.Fatalf("terraform %s did not run: %v", args[0], err)
	}
	r.checkNoCrash(args[0], out)
	r.checkClean("output of terraform "+args[0], out)
	return out, code
}

// must runs terraform and fails the test unless it exits with want.
func (r *tfRun) must(want int, env []string, args ...string) string {
	r.t.Helper()
	out, code := r.run(env, args...)
	if code != want {
		r.t.Fatalf("terraform %s exited %d, want %d:\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

func (r *tfRun) apply(vars ...string) string {
	r.t.Helper()
	return r.must(0, nil, append([]string{"apply", "-auto-approve", "-parallelism=10"}, varArgs(vars)...)...)
}

// expectEmptyPlan proves convergence: plan -detailed-exitcode exits 0.
func (r *tfRun) expectEmptyPlan(env []string, vars ...string) {
	r.t.Helper()
	r.must(0, env, append([]string{"plan", "-detailed-exitcode", "-parallelism=10"}, varArgs(vars)...)...)
}

// converge re-runs apply without faults, checks the server against state, and proves the
// plan is then empty.
func (r *tfRun) converge(vars ...string) {
	r.t.Helper()
	r.clearFaults()
	r.apply(vars...)
	r.checkServerMatchesState()
	r.expectEmptyPlan(nil, vars...)
}

// clearFaults removes the faults of the reference server and of the proxy, whichever there are.
func (r *tfRun) clearFaults() {
	if r.srv.Ref != nil {
		r.srv.Ref.ClearFaults()
	}
	if r.srv.Proxy != nil {
		r.srv.Proxy.ClearFaults()
	}
}

func varArgs(vars []string) []string {
	var out []string
	for _, v := range vars {
		out = append(out, "-var", v)
	}
	return out
}

// cliDiagRE matches the first line of a diagnostic in -no-color output (boxed with │ on a
// terminal, bare otherwise). A wrapped message line may also start with "Error: ", so only a
// line after an empty one counts.
var cliDiagRE = regexp.MustCompile(`^(?:│ )?(Error|Warning): (.*)$`)

// cliSourceLineRE matches the configuration excerpt under a diagnostic ("17:   name = ...").
var cliSourceLineRE = regexp.MustCompile(`^\d+:`)

// cliDiagnostic is one diagnostic as the CLI printed it.
type cliDiagnostic struct {
	severity, summary string
	text              string // summary and detail on one line, without the source excerpt
}

func cliDiagnostics(out string) []cliDiagnostic {
	var diags []cliDiagnostic
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		m := cliDiagRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if prev := ""; i > 0 {
			prev = strings.TrimSpace(strings.Trim(lines[i-1], "│╷"))
			if prev != "" {
				continue
			}
		}
		diags = append(diags, cliDiagnostic{severity: m[1], summary: m[2], text: m[2] + ":"})
	}
	// Each diagnostic's text runs to the next one's header.
	d := -1
	for i, line := range lines {
		if m := cliDiagRE.FindStringSubmatch(line); m != nil && d+1 < len(diags) && m[2] == diags[d+1].summary &&
			(i == 0 || strings.TrimSpace(strings.Trim(lines[i-1], "│╷")) == "") {
			d++
			continue
		}
		if d < 0 {
			continue
		}
		t := strings.TrimSpace(strings.Trim(line, "│╷╵"))
		if t == "" || strings.HasPrefix(t, "with ") || strings.HasPrefix(t, "on main.tf") || cliSourceLineRE.MatchString(t) {
			continue
		}
		diags[d].text += " " + t
	}
	return diags
}

// expectOneError checks that output holds exactly one error diagnostic and that its text
// mentions every one of want; it returns that text.
func (r *tfRun) expectOneError(out string, want ...string) string {
	r.t.Helper()
	var errs []cliDiagnostic
	for _, d := range cliDiagnostics(out) {
		if d.severity == "Error" {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		r.t.Fatalf("want exactly one error diagnostic, got %d %+v:\n%s", len(errs), errs, out)
	}
	// Terraform wraps long messages; the text has its whitespace collapsed.
	text := strings.Join(strings.Fields(errs[0].text), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			r.t.Errorf("the error does not mention %q: %s", w, text)
		}
	}
	return text
}

// checkNoCrash fails on any sign of a provider crash in terraform's output.
func (r *tfRun) checkNoCrash(cmd, out string) {
	r.t.Helper()
	for _, s := range []string{"panic:", "goroutine ", "Plugin did not respond", "plugin exited", "crashed"} {
		if strings.Contains(out, s) {
			r.t.Fatalf("terraform %s shows a provider crash (%q):\n%s", cmd, s, out)
		}
	}
}

// checkClean fails when text holds a secret: the registry or provider password, or a JWT.
func (r *tfRun) checkClean(what, text string) {
	r.t.Helper()
	for label, s := range map[string]string{"registry password": faultRegistryPassword, "provider password": r.srv.AdminPassword} {
		if strings.Contains(text, s) {
			r.t.Errorf("%s contains the %s", what, label)
		}
	}
	for _, marker := range []string{"eyJ", "Bearer "} {
		if strings.Contains(text, marker) {
			r.t.Errorf("%s contains a token (%q)", what, marker)
		}
	}
}

func (r *tfRun) checkLogClean() {
	b, err := os.ReadFile(r.logPath)
	if err != nil {
		return // no command ran
	}
	if !bytes.Contains(b, []byte("UFDL API request")) {
		r.t.Errorf("the provider's debug log holds no request lines; the secret check would prove nothing")
	}
	r.checkClean("the provider's debug log", string(b))
}

// tfStateImage is one ufdl_dockerimage instance in the local state file.
type tfStateImage struct {
	Index         int
	PK            int64
	Name, Version string
	URL           string
}

// state reads the images the local state holds.
func (r *tfRun) state() []tfStateImage {
	r.t.Helper()
	return readTFStateImages(r.t, filepath.Join(r.w.Dir, "terraform.tfstate"))
}

func readTFStateImages(t *testing.T, path string) []tfStateImage {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Mode, Type string
			Instances  []struct {
				IndexKey   *int `json:"index_key"`
				Attributes struct {
					PK      int64  `json:"pk"`
					Name    string `json:"name"`
					Version string `json:"version"`
					URL     string `json:"url"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file: %v", err)
	}
	var out []tfStateImage
	for _, res := range st.Resources {
		if res.Mode != "managed" || res.Type != "ufdl_dockerimage" {
			continue
		}
		for _, in := range res.Instances {
			idx := -1
			if in.IndexKey != nil {
				idx = *in.IndexKey
			}
			a := in.Attributes
			out = append(out, tfStateImage{Index: idx, PK: a.PK, Name: a.Name, Version: a.Version, URL: a.URL})
		}
	}
	return out
}

// checkServerMatchesState checks the invariants every fault must keep: (name, version) is
// unique on the server, the server holds exactly the images in state (no orphan, no
// duplicate), and each state entry agrees with the server. It returns the number of images.
func (r *tfRun) checkServerMatchesState() int {
	r.t.Helper()
	images, err := r.srv.ImagesNamed(r.prefix + "-")
	if err != nil {
		r.t.Fatalf("listing the images of the run: %v", err)
	}
	return checkServerMatchesState(r.t, images, r.state(), r.unmanaged...)
}

// checkServerMatchesState checks images, what the server holds, against the images of a
// state. Images with a pk in unmanaged were made outside Terraform and are not expected in
// state.
func checkServerMatchesState(t *testing.T, images []map[string]any, st []tfStateImage, unmanaged ...int64) int {
	t.Helper()
	server := map[int64]map[string]any{}
	seen := map[string]int64{}
	for _, img := range images {
		pk := acctest.PK(img)
		key := fmt.Sprint(img["name"], ":", img["version"])
		if other, dup := seen[key]; dup {
			t.Errorf("the server holds two images %s (pks %d and %d)", key, other, pk)
		}
		seen[key] = pk
		if !slices.Contains(unmanaged, pk) {
			server[pk] = img
		}
	}
	inState := map[int64]bool{}
	for _, s := range st {
		if inState[s.PK] {
			t.Errorf("state holds pk %d twice", s.PK)
		}
		inState[s.PK] = true
		img, ok := server[s.PK]
		if !ok {
			t.Errorf("state holds image [%d] pk %d (%s:%s), which the server does not have", s.Index, s.PK, s.Name, s.Version)
			continue
		}
		if img["name"] != s.Name || img["version"] != s.Version || img["url"] != s.URL {
			t.Errorf("state [%d] pk %d is %s:%s %s, the server has %v:%v %v", s.Index, s.PK, s.Name, s.Version, s.URL, img["name"], img["version"], img["url"])
		}
	}
	for pk, img := range server {
		if !inState[pk] {
			t.Errorf("orphan: the server holds image pk %d (%v:%v), which is not in state", pk, img["name"], img["version"])
		}
	}
	return len(st)
}

// requestsMatching counts the requests to method and route that match.
func requestsMatching(ref *refserver.Server, method, route string, match func(refserver.Request) bool) int {
	n := 0
	for _, q := range ref.Requests() {
		if q.Method == method && q.Route == route && match(q) {
			n++
		}
	}
	return n
}

func answeredWith(status int) func(refserver.Request) bool {
	return func(q refserver.Request) bool { return q.Status == status }
}

// checkCreatesLookedUp checks that no create of one of names was sent again after a failed
// attempt without a look-up of that name in between: the only safe way to retry a create
// whose outcome is unknown. It returns how many creates each name took.
func checkCreatesLookedUp(t *testing.T, reqs []refserver.Request, names []string, lookupNeeded bool) map[string]int {
	t.Helper()
	attempts := map[string]int{}
	for _, name := range names {
		quoted := []byte(strconv.Quote(name))
		pending := false
		for _, q := range reqs {
			if !strings.Contains(string(q.Body), string(quoted)) {
				continue
			}
			switch {
			case q.Method == "POST" && q.Route == "/v1/docker/create":
				if pending && lookupNeeded {
					t.Errorf("the create of %s was sent again without looking it up first", name)
				}
				attempts[name]++
				pending = q.Status != 201
			case q.Method == "POST" && q.Route == "/v1/docker/list":
				pending = false
			}
		}
	}
	return attempts
}

func countNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// TestAccFaults_everyKindOfCall injects one kind of fault at a time into every kind of call
// the provider makes (login, list, create, update, read, delete) while terraform applies,
// updates, plans and destroys three images. Every command must succeed, every fault must
// have been hit, and the server must hold exactly what state holds after each step.
func TestAccFaults_everyKindOfCall(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	variants := []struct {
		name  string
		fault refserver.Fault
		hit   func(refserver.Request) bool // recognises a request the fault answered
		// committed: the fault let the server process the request before losing the answer.
		committed bool
		// lookup: a failed create may have been stored, so it is looked up before a resend.
		lookup bool
	}{
		{"503 burst", refserver.Fault{Kind: refserver.FaultStatus, Status: 503, Times: 3}, answeredWith(503), false, true},
		{"429 with Retry-After", refserver.Fault{Kind: refserver.FaultStatus, Status: 429, RetryAfter: time.Second, Times: 2}, answeredWith(429), false, false},
		{"connection dropped", refserver.Fault{Kind: refserver.FaultDrop, Times: 2}, answeredWith(0), false, true},
		{"answer lost after commit", refserver.Fault{Kind: refserver.FaultCommitThenDrop, Times: 2}, answeredWith(0), true, true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			srv := acctest.NewServer(t)
			prefix := acctest.Name("kinds")
			r := newTFRun(t, srv, prefix)
			const n = 3
			inject := func(method, route string) {
				f := v.fault
				f.Method, f.Route = method, route
				srv.Ref.AddFault(f)
			}
			expectHit := func(method, route string) {
				t.Helper()
				if got := requestsMatching(srv.Ref, method, route, v.hit); got != v.fault.Times {
					t.Errorf("%s %s: the fault answered %d requests, want %d", method, route, got, v.fault.Times)
				}
			}

			// Create: the login, a lookup table, the name check's list and the creates all
			// meet the fault.
			srv.Ref.ResetCalls()
			createRoutes := []string{"/v1/auth/obtain", "/v1/frameworks/list", "/v1/docker/list", "/v1/docker/create"}
			for _, route := range createRoutes {
				inject("POST", route)
			}
			r.apply("n=3")
			for _, route := range createRoutes {
				expectHit("POST", route)
			}
			if got := r.checkServerMatchesState(); got != n {
				t.Fatalf("state holds %d images after apply, want %d", got, n)
			}
			wantCreates := n + v.fault.Times
			if v.committed {
				wantCreates = n // found by the look-up and adopted, never sent again
			}
			if got := srv.Ref.Calls("POST /v1/docker/create"); got != wantCreates {
				t.Errorf("%d creates for %d images, want %d", got, n, wantCreates)
			}
			checkCreatesLookedUp(t, srv.Ref.Requests(), countNames(prefix, n), v.lookup)

			// Update: the PATCH of each image meets the fault. The plan shows nothing but the
			// change, which also proves the create converged.
			srv.Ref.ResetCalls()
			inject("PATCH", "/v1/docker/{pk}")
			out := r.apply("n=3", "url_tag=v2")
			if !strings.Contains(out, "0 added, 3 changed, 0 destroyed") {
				t.Errorf("update did not change exactly the 3 images:\n%s", out)
			}
			expectHit("PATCH", "/v1/docker/{pk}")
			if got, want := srv.Ref.Calls("PATCH /v1/docker/{pk}"), n+v.fault.Times; got != want {
				t.Errorf("%d PATCHes, want %d", got, want)
			}
			r.checkServerMatchesState()
			for _, img := range srv.Ref.Images() {
				if !strings.HasSuffix(img["url"].(string), ":v2") {
					t.Errorf("image %v was not updated: url %v", img["pk"], img["url"])
				}
			}

			// Read: a plan that reads each image with its own GET meets the fault, and is empty.
			srv.Ref.ResetCalls()
			inject("GET", "/v1/docker/{pk}")
			r.expectEmptyPlan([]string{"UFDL_BATCH_READS=false"}, "n=3", "url_tag=v2")
			expectHit("GET", "/v1/docker/{pk}")

			// Delete: the DELETEs meet the fault; nothing is left on the server or in state.
			srv.Ref.ResetCalls()
			inject("DELETE", "/v1/docker/{pk}")
			r.must(0, nil, "destroy", "-auto-approve", "-parallelism=10", "-var", "n=3", "-var", "url_tag=v2")
			expectHit("DELETE", "/v1/docker/{pk}")
			if got := r.checkServerMatchesState(); got != 0 || len(srv.Ref.Images()) != 0 {
				t.Errorf("after destroy: %d images in state, %d on the server, want none", got, len(srv.Ref.Images()))
			}
		})
	}
}

// TestAccFaults_lostCreateResponsesAtParallelism10 creates 20 images at -parallelism=10 while
// the server stores most creates but loses their answers in every way it can: the connection
// closes, a gateway answers 502 with an HTML page, the body is cut off, or the answer comes
// after the provider's per-request timeout. Every image must end up exactly once on the
// server and in state: the provider looks a create up before it sends it again.
func TestAccFaults_lostCreateResponsesAtParallelism10(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("lost")
	r := newTFRun(t, srv, prefix, "UFDL_REQUEST_TIMEOUT_SECONDS=1")
	const n = 20
	create := func(f refserver.Fault) refserver.Fault {
		f.Method, f.Route = "POST", "/v1/docker/create"
		return f
	}
	// Consulted in order: the first 6 creates lose the connection, the next 4 get a 502 page,
	// the next 2 a truncated 201, and 2 answer after the timeout. All of them are stored.
	srv.Ref.AddFault(create(refserver.Fault{Kind: refserver.FaultCommitThenDrop, Times: 6}))
	srv.Ref.AddFault(create(refserver.Fault{Kind: refserver.FaultBody, Status: 502, ContentType: "text/html",
		Body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", Times: 4}))
	srv.Ref.AddFault(create(refserver.Fault{Kind: refserver.FaultBody, Status: 201, Body: `{"pk": 3, "name": "`, Times: 2}))
	srv.Ref.AddFault(create(refserver.Fault{Kind: refserver.FaultLatency, Latency: 2500 * time.Millisecond, Times: 2}))

	r.apply("n=20")
	if got := r.checkServerMatchesState(); got != n {
		t.Fatalf("state holds %d images, want %d", got, n)
	}
	if got := len(srv.Ref.Images()); got != n {
		t.Fatalf("server holds %d images, want %d", got, n)
	}
	if got := requestsMatching(srv.Ref, "POST", "/v1/docker/create", answeredWith(0)); got != 6 {
		t.Errorf("%d creates lost their connection, want 6", got)
	}
	if got := requestsMatching(srv.Ref, "POST", "/v1/docker/create", answeredWith(502)); got != 4 {
		t.Errorf("%d creates answered 502, want 4", got)
	}
	// A create is sent again only after a look-up found nothing: here, when the look-up after
	// a timeout came before the late create was stored (or, on a loaded machine, when an
	// ordinary create took longer than the timeout). The resend then meets the duplicate and
	// adopts it.
	attempts := checkCreatesLookedUp(t, srv.Ref.Requests(), countNames(prefix, n), true)
	for name, a := range attempts {
		if a > 1 {
			t.Logf("%s: %d creates, each after a look-up", name, a)
		}
	}
	for _, s := range r.state() {
		if want := fmt.Sprintf("%s-%d", prefix, s.Index); s.Name != want {
			t.Errorf("state [%d] adopted image %s, want %s", s.Index, s.Name, want)
		}
	}
	r.expectEmptyPlan(nil, "n=20")
}

// timedLog collects the reference server's request log (one line per request, written with
// one Write when the answer is sent: "METHOD /path status duration") with the time each line
// arrived, so that tests can tell which requests were in flight together.
type timedLog struct {
	mu      sync.Mutex
	entries []logEntry
}

type logEntry struct {
	method, path string
	status       string
	start, end   time.Time
}

func (l *timedLog) Write(p []byte) (int, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for line := range strings.Lines(string(p)) {
		f := strings.Fields(line)
		if len(f) != 4 {
			continue
		}
		if d, err := time.ParseDuration(f[3]); err == nil {
			l.entries = append(l.entries, logEntry{method: f[0], path: f[1], status: f[2], start: now.Add(-d), end: now})
		}
	}
	return len(p), nil
}

func (l *timedLog) matching(method, path string) []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logEntry
	for _, e := range l.entries {
		if e.method == method && e.path == path {
			out = append(out, e)
		}
	}
	return out
}

// checkRenewalsOneAtATime fails when two token renewals (refresh or login) were in flight
// together: each provider process renews its session once for all its requests. Every
// request takes at least latency, so concurrent renewals would overlap by most of it.
func checkRenewalsOneAtATime(t *testing.T, log *timedLog, latency time.Duration) {
	t.Helper()
	renewals := append(log.matching("POST", "/v1/auth/refresh"), log.matching("POST", "/v1/auth/obtain")...)
	if len(renewals) == 0 {
		t.Fatal("the server's request log holds no renewal; the check would prove nothing")
	}
	sort.Slice(renewals, func(i, j int) bool { return renewals[i].start.Before(renewals[j].start) })
	for i := 1; i < len(renewals); i++ {
		prev, cur := renewals[i-1], renewals[i]
		if prev.end.Sub(cur.start) > latency/2 {
			t.Errorf("two renewals in flight together: %s %s (%s) and %s %s (%s)", prev.method, prev.path, prev.status, cur.method, cur.path, cur.status)
		}
	}
}

// TestAccFaults_accessTokenExpiresMidApply applies 50 images at parallelism 10 with access
// tokens that live one second and a server slow enough that they expire during the apply; the
// first renewals also meet a 503 burst. The provider renews its token one request at a time
// per process, never logs in again (the refresh token stays valid), and loses nothing.
func TestAccFaults_accessTokenExpiresMidApply(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	const latency = 300 * time.Millisecond
	log := &timedLog{}
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Log = log })
	srv.Ref.SetAccessLifetime(time.Second)
	prefix := acctest.Name("expiry")
	r := newTFRun(t, srv, prefix)
	srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/auth/refresh", Kind: refserver.FaultStatus, Status: 503, Times: 3})
	// Logins, renewals and creates are slow; the rest is not.
	for _, route := range []string{"/v1/auth/obtain", "/v1/auth/refresh", "/v1/docker/create"} {
		srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: route, Kind: refserver.FaultLatency, Latency: latency})
	}
	const n = 50

	// The apply process logs in, then makes 50 creates of at least 300 ms each, 10 at a
	// time: they last at least 1.5 s, longer than the token, so it must be renewed.
	r.apply("n=50")
	if got := r.checkServerMatchesState(); got != n {
		t.Fatalf("state holds %d images, want %d", got, n)
	}
	if got := srv.Ref.Calls("POST /v1/auth/obtain"); got != 2 {
		t.Errorf("%d logins, want 2: one per provider process (plan and apply), none again while the refresh token is valid", got)
	}
	if got := requestsMatching(srv.Ref, "POST", "/v1/auth/refresh", answeredWith(503)); got != 3 {
		t.Errorf("the 503 burst answered %d refreshes, want 3", got)
	}
	refreshed := requestsMatching(srv.Ref, "POST", "/v1/auth/refresh", answeredWith(200))
	if refreshed < 1 {
		t.Errorf("no access token was refreshed although every one expired during the apply")
	}
	checkCreatesOnceEach(t, srv.Ref, n)
	t.Logf("apply: %d refreshes, %d answers 401, calls %v", refreshed, requestsAnswered(srv.Ref, 401), srv.Ref.CallCounts())
	checkRenewalsOneAtATime(t, log, latency)
	r.expectEmptyPlan(nil, "n=50")
}

// TestAccFaults_signingKeyRotatedMidApply rotates the server's signing key (a restarted
// backend) while 50 images are created at parallelism 10: the access and the refresh token
// become invalid together. The provider's one refresh is rejected, it logs in again once for
// the whole process, and every create goes through.
func TestAccFaults_signingKeyRotatedMidApply(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	// One renewal for the whole process shows in the counts: one refresh (rejected), one login.
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Latency = 100 * time.Millisecond })
	prefix := acctest.Name("rekey")
	r := newTFRun(t, srv, prefix)
	const n, rotateAt = 50, 20
	// Create number 20 waits long enough for the test to see it arrive and rotate the key
	// before the server checks its token.
	srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/create", Kind: refserver.FaultLatency,
		Latency: 1500 * time.Millisecond, Skip: rotateAt - 1, Times: 1})

	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := r.w.RunEnv(r.env, "apply", "-auto-approve", "-parallelism=10", "-no-color", "-input=false", "-var", "n=50")
		done <- result{out, err}
	}()
	var res result
	rotated := false
	deadline := time.After(2 * time.Minute)
wait:
	for {
		select {
		case res = <-done:
			break wait
		case <-deadline:
			t.Fatal("terraform apply did not finish within 2 minutes")
		case <-time.After(5 * time.Millisecond):
			if !rotated && srv.Ref.Calls("POST /v1/docker/create") >= rotateAt {
				srv.Ref.RotateSigningKey()
				rotated = true
			}
		}
	}
	r.checkNoCrash("apply", res.out)
	r.checkClean("output of terraform apply", res.out)
	if res.err != nil {
		t.Fatalf("apply failed after the key rotation: %v\n%s", res.err, res.out)
	}
	if !rotated {
		t.Fatal("the apply ended before create number 20 arrived")
	}
	if got := r.checkServerMatchesState(); got != n {
		t.Fatalf("state holds %d images, want %d", got, n)
	}
	if got := srv.Ref.Calls("POST /v1/auth/obtain"); got != 3 {
		t.Errorf("%d logins, want 3: one per provider process (plan and apply) and one again after the rotation", got)
	}
	if got, rejected := srv.Ref.Calls("POST /v1/auth/refresh"), requestsMatching(srv.Ref, "POST", "/v1/auth/refresh", answeredWith(401)); got != 1 || rejected != 1 {
		t.Errorf("%d refreshes (%d rejected), want exactly 1, rejected", got, rejected)
	}
	checkCreatesOnceEach(t, srv.Ref, n)
	t.Logf("apply: %d answers 401, calls %v", requestsAnswered(srv.Ref, 401), srv.Ref.CallCounts())
	r.expectEmptyPlan(nil, "n=50")
}

func requestsAnswered(ref *refserver.Server, status int) int {
	n := 0
	for _, q := range ref.Requests() {
		if q.Status == status {
			n++
		}
	}
	return n
}

// checkCreatesOnceEach checks that n creates were stored and that every other create was
// refused with 401 before it was processed (and then sent again with a fresh token).
func checkCreatesOnceEach(t *testing.T, ref *refserver.Server, n int) {
	t.Helper()
	stored := requestsMatching(ref, "POST", "/v1/docker/create", answeredWith(201))
	refused := requestsMatching(ref, "POST", "/v1/docker/create", answeredWith(401))
	if all := ref.Calls("POST /v1/docker/create"); stored != n || all != stored+refused {
		t.Errorf("%d creates for %d images: %d stored, %d refused with 401, %d otherwise", all, n, stored, refused, all-stored-refused)
	}
}

// TestAccFaults_garbageAnswersToReads makes the server answer garbage where the provider
// expects JSON: HTML pages, truncated JSON, wrong types, empty bodies, another image. Reads
// fail with one error that names the endpoint and leave state alone; writes whose outcome is
// unknown are looked up; nothing panics, nothing wrong reaches state, and a re-run converges.
func TestAccFaults_garbageAnswersToReads(t *testing.T) { garbageAnswers(t, false) }

// TestAccFaults_garbageAnswersToWrites is the same for the answers of writes (see
// garbageAnswers): a create or delete whose answer is garbage is looked up or retried and
// succeeds, a garbled update fails with one error, and a re-run converges.
func TestAccFaults_garbageAnswersToWrites(t *testing.T) { garbageAnswers(t, true) }

func garbageAnswers(t *testing.T, writes bool) {
	skipUnlessAcc(t)
	t.Parallel()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("garbage")
	r := newTFRun(t, srv, prefix)
	r.apply("n=1")
	pk := r.state()[0].PK
	imagePath := fmt.Sprintf("/v1/docker/%d", pk)

	// An image outside Terraform's care, whose answer a confused server may hand out instead.
	otherPK, err := srv.Ref.CreateImage(map[string]any{
		"name": prefix + "-other", "version": "v1", "url": "registry.example.com:443/other:v1",
		"registry_url": "registry.example.com:443", "cuda_version": "11.1", "framework": yoloV7(t, srv),
		"domain": "od", "tasks": []string{}, "min_hardware_generation": "Pascal", "licence": "MIT",
	})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := srv.Ref.Image(otherPK)
	otherJSON, _ := json.Marshal(other)
	mine, _ := srv.Ref.Image(pk)
	wrongTypes := map[string]any{}
	for k, v := range mine {
		wrongTypes[k] = v
	}
	wrongTypes["pk"], wrongTypes["cpu"], wrongTypes["tasks"] = strconv.FormatInt(pk, 10), "no", "Train"
	wrongTypesJSON, _ := json.Marshal(wrongTypes)
	// A Django debug page echoes the request, secrets included.
	debugPage := fmt.Sprintf(`<!DOCTYPE html><html><head><title>OperationalError at %s</title></head><body>
<pre class="exception_value">could not connect to server</pre><table><tr><td>registry_password</td><td>'%s'</td></tr>
<tr><td>password</td><td>'%s'</td></tr></table></body></html>`, imagePath, faultRegistryPassword, srv.AdminPassword)

	r.unmanaged = append(r.unmanaged, otherPK)

	type step struct {
		name   string
		fault  refserver.Fault
		env    []string
		args   []string
		exit   int      // 0: the command copes; 1: it fails with one error naming want
		want   []string // text the error must hold
		writes bool     // the command writes: converge afterwards
	}
	// Reads run as plans, and as refresh-only applies where a wrong answer taken for good
	// would be written to state.
	plan := []string{"plan", "-detailed-exitcode", "-var", "n=1"}
	refresh := []string{"apply", "-refresh-only", "-auto-approve", "-var", "n=1"}
	noBatch := []string{"UFDL_BATCH_READS=false"}
	steps := []step{
		{name: "login answers an HTML page with 200",
			fault: refserver.Fault{Method: "POST", Route: "/v1/auth/obtain", Kind: refserver.FaultBody, Status: 200, ContentType: "text/html",
				Body: "<!DOCTYPE html><html><head><title>Sign in - Example SSO</title></head><body><form>...</form></body></html>"},
			args: plan, exit: 1, want: []string{"POST /v1/auth/obtain", "200 OK", "HTML page", "Sign in - Example SSO"}},
		{name: "list answers truncated JSON",
			fault: refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultBody, Status: 200, Body: `[{"pk": 1, "name": "tfacc`},
			args:  refresh, exit: 1, want: []string{"POST /v1/docker/list", "truncated"}},
		{name: "list answers a paginated object instead of an array",
			fault: refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultBody, Status: 200, Body: `{"count": 0, "results": []}`},
			args:  plan, exit: 1, want: []string{"POST /v1/docker/list", "expected a JSON array, got an object"}},
		{name: "list answers 502 from a gateway, also when retried",
			fault: refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultStatus, Status: 502, ContentType: "text/html",
				Body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
			env: []string{"UFDL_MAX_RETRIES=1"}, args: refresh, exit: 1, want: []string{"POST /v1/docker/list", "502 Bad Gateway"}},
		// A plan reads lookup tables to check the values of a new image (a refresh maps what it
		// reads onto state without them).
		{name: "a lookup table answers null",
			fault: refserver.Fault{Method: "POST", Route: "/v1/domains/list", Kind: refserver.FaultBody, Status: 200, Body: `null`},
			args:  []string{"plan", "-detailed-exitcode", "-var", "n=2"}, exit: 1, want: []string{"POST /v1/domains/list", "got null"}},
		{name: "GET answers wrong JSON types",
			fault: refserver.Fault{Method: "GET", Route: "/v1/docker/{pk}", Kind: refserver.FaultBody, Status: 200, Body: string(wrongTypesJSON)},
			env:   noBatch, args: refresh, exit: 1, want: []string{"GET " + imagePath, "JSON string"}},
		{name: "GET answers 200 with an empty body",
			fault: refserver.Fault{Method: "GET", Route: "/v1/docker/{pk}", Kind: refserver.FaultBody, Status: 200, Body: ""},
			env:   noBatch, args: plan, exit: 1, want: []string{"GET " + imagePath, "empty"}},
		{name: "GET answers with another image",
			fault: refserver.Fault{Method: "GET", Route: "/v1/docker/{pk}", Kind: refserver.FaultBody, Status: 200, Body: string(otherJSON)},
			env:   noBatch, args: refresh, exit: 1, want: []string{"GET " + imagePath, "it describes pk"}},
		{name: "PATCH is stored but answers 200 with an empty body",
			fault: refserver.Fault{Method: "PATCH", Route: "/v1/docker/{pk}", Kind: refserver.FaultBody, Status: 200, Body: ""},
			args:  []string{"apply", "-auto-approve", "-var", "n=1", "-var", "url_tag=v2"}, exit: 1, want: []string{"PATCH " + imagePath, "empty"}, writes: true},
		{name: "PATCH answers a debug page that echoes the secrets",
			fault: refserver.Fault{Method: "PATCH", Route: "/v1/docker/{pk}", Kind: refserver.FaultStatus, Status: 500, ContentType: "text/html", Body: debugPage},
			env:   []string{"UFDL_MAX_RETRIES=1"}, args: []string{"apply", "-auto-approve", "-var", "n=1", "-var", "url_tag=v3"},
			exit: 1, want: []string{"PATCH " + imagePath, "500 Internal Server Error", "OperationalError"}, writes: true},
		{name: "create is stored but answers an HTML page with 201",
			fault: refserver.Fault{Method: "POST", Route: "/v1/docker/create", Kind: refserver.FaultBody, Status: 201, ContentType: "text/html", Body: "<html><body>Created</body></html>"},
			args:  []string{"apply", "-auto-approve", "-var", "n=2", "-var", "url_tag=v3"}, exit: 0, writes: true},
		{name: "DELETE is done but answers a 500 page",
			fault: refserver.Fault{Method: "DELETE", Route: "/v1/docker/{pk}", Kind: refserver.FaultBody, Status: 500, ContentType: "text/html", Body: debugPage, Times: 1},
			args:  []string{"apply", "-auto-approve", "-var", "n=1", "-var", "url_tag=v3"}, exit: 0, writes: true},
	}
	for _, s := range steps {
		if s.writes != writes {
			continue
		}
		t.Logf("step: %s", s.name)
		before := r.state()
		srv.Ref.ResetCalls()
		srv.Ref.AddFault(s.fault)
		out, code := r.run(s.env, s.args...)
		srv.Ref.ClearFaults()
		if code != s.exit {
			t.Fatalf("%s: terraform %s exited %d, want %d:\n%s", s.name, s.args[0], code, s.exit, out)
		}
		if s.exit != 0 {
			// A request is named by its whole URL: "POST http://127.0.0.1:8000/v1/docker/list".
			want := make([]string, len(s.want))
			for i, w := range s.want {
				want[i] = strings.Replace(w, " /v1/", " "+srv.URL+"/v1/", 1)
			}
			msg := r.expectOneError(out, want...)
			t.Logf("%s: the user reads %q", s.name, msg)
		}
		if s.writes {
			var vars []string
			for i, a := range s.args {
				if a == "-var" {
					vars = append(vars, s.args[i+1])
				}
			}
			r.converge(vars...)
		} else if after := r.state(); !slices.Equal(before, after) {
			t.Errorf("%s: a failed read changed the state:\nbefore %+v\nafter  %+v", s.name, before, after)
		}
		r.checkServerMatchesState()
	}
	if got := srv.Ref.Calls("POST /v1/docker/create"); writes && got != 0 {
		t.Errorf("the last converging apply created %d images; want none", got)
	}
}
