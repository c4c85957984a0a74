// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The five catalog resources (frameworks, CUDA versions, hardware generations, licences, job
// contracts) share one implementation, so they share their tests too: each test runs once per
// catalogKind, which says what sets the resource apart. Rows carry a random tag (CUDA versions,
// which cannot, an unused number), so that the tests run side by side against a shared server.

// fields are a catalog row's attributes by name: strings, and float64 for compute
// capabilities. They are at once the configuration's values, the request's and the server's
// answer (CUDA versions are given in the server's form, "917.3").
type fields map[string]any

// catalogKind is one catalog resource as the tests see it.
type catalogKind struct {
	name  string // "framework": subtests' names
	typ   string // "ufdl_framework"
	title string // "Framework": how diagnostics' summaries name it
	noun  string // "framework": how their details name it
	path  string // "/v1/frameworks"
	// tagField is the text field whose value begins with the row's tag, for clean-ups.
	tagField string
	// row is a new row unique to tag (8 random hex characters) on srv.
	row func(t *testing.T, srv *acctest.Server, tag string) fields
	// changes gives every attribute of row another value, as unique as row's and valid with
	// row's other values: the in-place updates, and the changes made behind Terraform's back,
	// one attribute at a time.
	changes func(t *testing.T, srv *acctest.Server, tag string, row fields) fields
	// keyAttrs are the attributes of the natural key: the import ID ("name:version") and the
	// identity besides pk.
	keyAttrs []string
	// uniqueAttrs are the attributes the server keeps unique one by one (a framework's name
	// and version are unique together only: none).
	uniqueAttrs []string
	// pkIsImportID is false for CUDA versions: an import ID "12" is the version 12.0.
	pkIsImportID bool
	// uses are the fields that make an image (request form) use the row pk.
	uses func(row fields, pk int64) map[string]any
	// limits are the text attributes' limits in characters.
	limits map[string]int
	// life is how the lifecycle matrix writes the kind's blocks.
	life catalogLife
}

// catalogLife is a kind's block in the lifecycle matrix (lifecycle_test.go): each attribute a
// template of the tokens {prefix} (the run's), {short} (a shorter tag of the run), {label} (the
// block's), {i} (count.index), {tag} (var.tag, which scenarios change) and {per} (a value of
// the object's own, from per, where a random tag cannot make a row unique).
type catalogLife struct {
	attrs map[string]string
	// numbers are the attributes that are numbers (their templates give their digits).
	numbers []string
	// tagged is the attribute that follows {tag}; tags its two values, the first the default.
	tagged string
	tags   [2]string
	// outside is a value of tagged set behind Terraform's back, and shown how the CLI prints it.
	outside any
	shown   string
	per     func(t *testing.T, srv *acctest.Server) string
}

func (k catalogKind) addr(label string) string { return k.typ + "." + label }

// importID is row's natural key as an import ID.
func (k catalogKind) importID(row fields) string {
	parts := make([]string, len(k.keyAttrs))
	for i, a := range k.keyAttrs {
		parts[i] = fmt.Sprint(row[a])
	}
	return strings.Join(parts, ":")
}

// removeAtEnd deletes, when t ends, the rows of this kind the test made with tag.
func (k catalogKind) removeAtEnd(t *testing.T, srv *acctest.Server, row fields) {
	srv.RemoveRowsAtEnd(t, k.path, k.tagField, row[k.tagField].(string))
}

// newRow is row(tag) for a fresh tag, with its changes, removed from srv when t ends.
func (k catalogKind) newRow(t *testing.T, srv *acctest.Server) (row, changes fields) {
	t.Helper()
	tag := acctest.RandomSuffix()
	row = k.row(t, srv, tag)
	k.removeAtEnd(t, srv, row)
	return row, k.changes(t, srv, tag, row)
}

// constraints are the sets of attributes the server keeps unique: each unique attribute on
// its own, or the natural key together (a framework's name and version).
func (k catalogKind) constraints() [][]string {
	if len(k.uniqueAttrs) == 0 {
		return [][]string{k.keyAttrs}
	}
	out := make([][]string, len(k.uniqueAttrs))
	for i, a := range k.uniqueAttrs {
		out[i] = []string{a}
	}
	return out
}

var (
	frameworkKind = catalogKind{
		name: "framework", typ: "ufdl_framework", title: "Framework", noun: "framework", path: "/v1/frameworks", tagField: "name",
		row: func(_ *testing.T, _ *acctest.Server, tag string) fields {
			return fields{"name": "tfacc-fw-" + tag, "version": "v1"}
		},
		changes: func(_ *testing.T, _ *acctest.Server, tag string, _ fields) fields {
			return fields{"name": "tfacc-fw-" + tag + "-b", "version": "v2"}
		},
		keyAttrs:     []string{"name", "version"},
		pkIsImportID: true,
		uses:         func(_ fields, pk int64) map[string]any { return map[string]any{"framework": pk} },
		limits:       map[string]int{"name": 32, "version": 32},
		life: catalogLife{
			attrs:  map[string]string{"name": "{prefix}-{label}-{i}", "version": "{tag}"},
			tagged: "version", tags: [2]string{"v1", "v2"}, outside: "elsewhere", shown: `"elsewhere"`,
		},
	}
	cudaKind = catalogKind{
		name: "cuda_version", typ: "ufdl_cuda_version", title: "CUDA Version", noun: "CUDA version", path: "/v1/cuda", tagField: "full_version",
		row: func(t *testing.T, srv *acctest.Server, tag string) fields {
			return fields{"version": srv.UnusedCUDAVersion(t, false), "full_version": "tf-" + tag, "min_driver_version": "550.54.15"}
		},
		changes: func(t *testing.T, srv *acctest.Server, tag string, _ fields) fields {
			return fields{"version": srv.UnusedCUDAVersion(t, false), "full_version": "tf-" + tag + "b", "min_driver_version": "560.28.03"}
		},
		keyAttrs:    []string{"version"},
		uniqueAttrs: []string{"version", "full_version"},
		uses:        func(row fields, _ int64) map[string]any { return map[string]any{"cuda_version": row["version"]} },
		limits:      map[string]int{"full_version": 16, "min_driver_version": 16},
		life: catalogLife{
			attrs:  map[string]string{"version": "{per}", "full_version": "{short}{label}{i}", "min_driver_version": "{tag}"},
			tagged: "min_driver_version", tags: [2]string{"550.54.15", "560.28.03"}, outside: "999.99", shown: `"999.99"`,
			per: func(t *testing.T, srv *acctest.Server) string { return srv.UnusedCUDAVersion(t, false) },
		},
	}
	hardwareKind = catalogKind{
		name: "hardware_generation", typ: "ufdl_hardware_generation", title: "Hardware Generation", noun: "hardware generation",
		path: "/v1/hardware", tagField: "generation",
		row: func(_ *testing.T, _ *acctest.Server, tag string) fields {
			lo := acctest.ComputeRange()
			return fields{"generation": "tfacc-hw-" + tag, "min_compute_capability": lo, "max_compute_capability": lo + 0.5}
		},
		changes: func(_ *testing.T, _ *acctest.Server, tag string, row fields) fields {
			lo := row["min_compute_capability"].(float64)
			return fields{"generation": "tfacc-hw-" + tag + "-b", "min_compute_capability": lo + 0.25, "max_compute_capability": lo + 0.75}
		},
		keyAttrs:     []string{"generation"},
		uniqueAttrs:  []string{"generation"},
		pkIsImportID: true,
		uses: func(row fields, _ int64) map[string]any {
			return map[string]any{"min_hardware_generation": row["generation"]}
		},
		limits: map[string]int{"generation": 32},
		life: catalogLife{
			attrs:   map[string]string{"generation": "{prefix}-{label}-{i}", "min_compute_capability": "{per}", "max_compute_capability": "{per}.{tag}"},
			numbers: []string{"min_compute_capability", "max_compute_capability"},
			tagged:  "max_compute_capability", tags: [2]string{"5", "75"}, outside: 999.5, shown: "999.5",
			per: func(*testing.T, *acctest.Server) string {
				return strconv.FormatFloat(acctest.ComputeRange(), 'f', -1, 64)
			},
		},
	}
	licenceKind = catalogKind{
		name: "licence", typ: "ufdl_licence", title: "Licence", noun: "licence", path: "/v1/licences", tagField: "name",
		row: func(_ *testing.T, _ *acctest.Server, tag string) fields {
			return fields{"name": "tfacc-lic-" + tag, "url": "https://example.com/licences/" + tag}
		},
		changes: func(_ *testing.T, _ *acctest.Server, tag string, _ fields) fields {
			return fields{"name": "tfacc-lic-" + tag + "-b", "url": "ftp://ftp.example.org/licences/" + tag + "/LICENSE"}
		},
		keyAttrs:     []string{"name"},
		uniqueAttrs:  []string{"name"},
		pkIsImportID: true,
		uses:         func(row fields, _ int64) map[string]any { return map[string]any{"licence": row["name"]} },
		limits:       map[string]int{"name": 100, "url": 200},
		life: catalogLife{
			attrs:  map[string]string{"name": "{prefix}-{label}-{i}", "url": "https://example.com/{tag}/{label}-{i}"},
			tagged: "url", tags: [2]string{"v1", "v2"}, outside: "https://elsewhere.example.com/LICENSE", shown: `"https://elsewhere.example.com/LICENSE"`,
		},
	}
	jobContractKind = catalogKind{
		name: "job_contract", typ: "ufdl_job_contract", title: "Job Contract", noun: "job contract", path: "/v1/job-contracts", tagField: "name",
		row: func(_ *testing.T, _ *acctest.Server, tag string) fields {
			return fields{"name": "tfacc-jc-" + tag, "pkg": "tfacc.jobcontracts", "cls": "tfacc.jobcontracts.c" + tag + ".Train"}
		},
		changes: func(_ *testing.T, _ *acctest.Server, tag string, _ fields) fields {
			return fields{"name": "tfacc-jc-" + tag + "-b", "pkg": "tfacc.other", "cls": "tfacc.other.c" + tag + ".Predict"}
		},
		keyAttrs:     []string{"name"},
		uniqueAttrs:  []string{"name", "cls"},
		pkIsImportID: true,
		uses:         func(row fields, _ int64) map[string]any { return map[string]any{"tasks": []any{row["name"]}} },
		limits:       map[string]int{"name": 64, "pkg": 64, "cls": 256},
		life: catalogLife{
			attrs:  map[string]string{"name": "{prefix}-{label}-{i}", "pkg": "tfacc.{tag}", "cls": "tfacc.{prefix}.{label}{i}"},
			tagged: "pkg", tags: [2]string{"v1", "v2"}, outside: "elsewhere.pkg", shown: `"elsewhere.pkg"`,
		},
	}
)

// catalogKinds are the five catalog resources.
var catalogKinds = []catalogKind{frameworkKind, cudaKind, hardwareKind, licenceKind, jobContractKind}

// forEachKind runs test once per catalog resource, as parallel subtests.
func forEachKind(t *testing.T, test func(t *testing.T, k catalogKind)) {
	t.Parallel()
	for _, k := range catalogKinds {
		t.Run(k.name, func(t *testing.T) { test(t, k) })
	}
}

// hcl renders a value of fields as an HCL expression.
func hcl(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	panic(fmt.Sprintf("no HCL for %T", v))
}

// block renders resource "<typ>" "<label>" with f's attributes.
func (k catalogKind) block(label string, f fields) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q %q {\n", k.typ, label)
	for _, a := range slices.Sorted(maps.Keys(f)) {
		fmt.Fprintf(&b, "  %s = %s\n", a, hcl(f[a]))
	}
	return b.String() + "}\n"
}

// config is a provider block for srv and one block "test" with f.
func (k catalogKind) config(srv *acctest.Server, f fields) string {
	return srv.ProviderConfig() + k.block("test", f)
}

// rowState are the checks that the state of addr holds f.
func rowState(addr string, f fields) []statecheck.StateCheck {
	checks := map[string]knownvalue.Check{}
	for a, v := range f {
		switch v := v.(type) {
		case string:
			checks[a] = knownvalue.StringExact(v)
		case float64:
			checks[a] = knownvalue.Float64Exact(v)
		}
	}
	return expectKnownValues(addr, checks)
}

// with returns a copy of f with the values of changes.
func (f fields) with(changes fields) fields {
	out := maps.Clone(f)
	maps.Copy(out, changes)
	return out
}

// only is the one-field fields {a: f[a]}.
func (f fields) only(a string) fields { return fields{a: f[a]} }

// statePKOf returns the pk state holds for addr.
func statePKOf(s *terraform.State, addr string) (int64, error) {
	res, ok := s.RootModule().Resources[addr]
	if !ok {
		return 0, fmt.Errorf("state holds no %s", addr)
	}
	return strconv.ParseInt(res.Primary.Attributes["pk"], 10, 64)
}

// rememberPKOf keeps the pk of addr in *pk for later steps.
func rememberPKOf(addr string, pk *int64) resource.TestCheckFunc {
	return func(s *terraform.State) (err error) {
		*pk, err = statePKOf(s, addr)
		return err
	}
}

// expectServerRow checks that the server's row of addr (its pk in state) holds f.
func (k catalogKind) expectServerRow(srv *acctest.Server, addr string, f fields) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		pk, err := statePKOf(s, addr)
		if err != nil {
			return err
		}
		return k.serverHolds(srv, pk, f)
	}
}

// serverHolds checks that row pk of the server holds f.
func (k catalogKind) serverHolds(srv *acctest.Server, pk int64, f fields) error {
	row, err := srv.Row(k.path, pk)
	if err != nil {
		return err
	}
	for a, want := range f {
		if !sameJSONValue(row[a], want) {
			return fmt.Errorf("server's %s %d has %s = %s, want %s", k.noun, pk, a, jsonOf(row[a]), jsonOf(want))
		}
	}
	return nil
}

// expectGone checks that the server no longer holds row *pk.
func (k catalogKind) expectGone(srv *acctest.Server, pk *int64) error {
	if _, err := srv.Row(k.path, *pk); err == nil || !strings.Contains(err.Error(), ": 404 ") {
		return fmt.Errorf("server's %s %d after destroy: %v, want 404", k.noun, *pk, err)
	}
	return nil
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSONValue compares two values as JSON (a float64 and an int64 of one number match).
func sameJSONValue(a, b any) bool {
	var x, y any
	_ = json.Unmarshal([]byte(jsonOf(a)), &x)
	_ = json.Unmarshal([]byte(jsonOf(b)), &y)
	return reflect.DeepEqual(x, y)
}

// rowWrite is a write the provider made to a catalog table: "POST create", "PATCH", "PUT",
// "DELETE", with the request's body (nil for none).
type rowWrite struct {
	call string
	body fields
}

func (w rowWrite) String() string {
	if w.body == nil {
		return w.call
	}
	return w.call + " " + jsonOf(w.body)
}

// writes are the writes the server saw to k's table since the last reset, in order.
func (k catalogKind) writes(srv *acctest.Server) []rowWrite {
	var out []rowWrite
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Route, k.path+"/") || r.Method == "GET" || r.Route == k.path+"/list" {
			continue
		}
		w := rowWrite{call: r.Method}
		if r.Route == k.path+"/create" {
			w.call += " create"
		} else if r.Route != k.path+"/{pk}" {
			w.call += " " + strings.TrimPrefix(r.Route, k.path+"/{pk}/")
		}
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &w.body); err != nil {
				w.body = fields{"unreadable body": string(r.Body)}
			}
		}
		out = append(out, w)
	}
	return out
}

// expectWrites checks that the server saw exactly want to k's table since the last reset.
func (k catalogKind) expectWrites(srv *acctest.Server, want ...rowWrite) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := k.writes(srv)
		if len(got) != len(want) {
			return fmt.Errorf("the provider wrote %v to %s, want %v", got, k.path, want)
		}
		for i := range got {
			if got[i].call != want[i].call || !sameJSONValue(got[i].body, want[i].body) {
				return fmt.Errorf("the provider wrote %v to %s, want %v", got, k.path, want)
			}
		}
		return nil
	}
}

// expectChangedAttributes is a plan check: the plan updates addr in place, and of its
// attributes exactly attrs change.
func expectChangedAttributes(addr string, attrs ...string) plancheck.PlanCheck {
	return changedAttributes{addr: addr, attrs: attrs}
}

// expectDriftUndone is a plan check: the plan updates addr in place, and changes exactly the
// attributes of from, from those values (what the server holds) to the configuration's.
func expectDriftUndone(addr string, from fields) plancheck.PlanCheck {
	return changedAttributes{addr: addr, attrs: slices.Collect(maps.Keys(from)), from: from}
}

type changedAttributes struct {
	addr  string
	attrs []string
	from  fields
}

func (c changedAttributes) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for a := range after {
			if !reflect.DeepEqual(before[a], after[a]) {
				changed = append(changed, a)
			}
		}
		slices.Sort(changed)
		want := slices.Sorted(slices.Values(c.attrs))
		if !rc.Change.Actions.Update() || !slices.Equal(changed, want) {
			resp.Error = fmt.Errorf("%s: plan %v changes %v, want an update of exactly %v", c.addr, rc.Change.Actions, changed, want)
			return
		}
		for a, v := range c.from {
			if !sameJSONValue(before[a], v) {
				resp.Error = fmt.Errorf("%s: plan changes %s from %s, want from %s", c.addr, a, jsonOf(before[a]), jsonOf(v))
			}
		}
		return
	}
	resp.Error = fmt.Errorf("the plan does not change %s", c.addr)
}

// image is the request-form body of an image that another client of srv makes, using row pk
// of k.
func (k catalogKind) image(t *testing.T, srv *acctest.Server, name string, row fields, pk int64) map[string]any {
	t.Helper()
	body := imageBody(t, srv, name, "v1", "registry.example.com/tfacc/"+name+":1", "Train")
	maps.Copy(body, k.uses(row, pk))
	return body
}

// writeConfig replaces the configuration in dir.
func writeConfig(t *testing.T, dir, cfg string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// oneLine is the CLI's output with its diagnostics' frames removed and all white space one
// space, so that a message reads the same however the CLI wrapped it.
func oneLine(out string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(out)), " ")
}

// testRefused runs steps that each fail at plan, and checks that nothing was written to k's
// table.
func (k catalogKind) testRefused(t *testing.T, srv *acctest.Server, steps ...resource.TestStep) {
	t.Helper()
	acctest.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if got := k.writes(srv); len(got) != 0 {
		t.Errorf("the refused plans wrote %v", got)
	}
}

// loose is a regular expression for s that matches however Terraform wrapped its lines.
func loose(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// requestsOf lists the requests the server saw since the last reset to routes beginning with
// prefix, as "METHOD route".
func requestsOf(srv *acctest.Server, prefix string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Route, prefix) {
			out = append(out, r.Method+" "+r.Route)
		}
	}
	return out
}
