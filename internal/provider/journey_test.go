// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"crypto/rand"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestAccNewImageFamily is the "whole catalog as code" journey: one configuration adds a new
// framework, CUDA version, hardware generation, licence (with its lists) and job contract,
// and two images that use them by reference. A lookup value built from a reference that
// neither the server nor the plan holds fails at plan, with the planned rows among the
// choices; the apply makes exactly the promised calls; the next plan is empty; a changed
// licence URL is one update of the licence alone; destroy leaves the whole catalog, tables
// and images, as it was.
func TestAccNewImageFamily(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Samples = true })
	tag := acctest.RandomSuffix()
	cuda := unusedCUDAVersion(t, srv)
	before := snapshotCatalog(t, srv)

	w := acctest.NewWorkdir(t, acctest.Testdata(t, "main.tf"))
	cli := acctest.NewCLI(t, w, srv.Env("TF_VAR_tag="+tag, "TF_VAR_cuda_version="+cuda))
	t.Cleanup(func() {
		// A failure halfway leaves nothing on a shared server.
		if out, err := cli.RunEnv(cli.Env, "destroy", "-auto-approve", "-no-color"); err != nil {
			t.Errorf("clean-up: terraform destroy: %v\n%s", err, out)
		}
	})

	t.Run("typos fail at plan, listing the planned rows", func(t *testing.T) {
		srv.ResetCalls()
		out := cli.MustFail("plan", "-var", "typo=true")
		gpu := "ufdl_dockerimage.gpu"
		// Each error names the value, lists the server's choices (one of the seed's is
		// checked: others may add rows to a shared server) and the row this plan creates.
		typos := []struct{ summary, detail, choice, planned string }{
			{"Unknown Licence", fmt.Sprintf(`The server has no licence "tfacc-lic-%s-v2". Use one of: `, tag), `"MIT", `,
				fmt.Sprintf(`or, created by this plan, "tfacc-lic-%s";`, tag)},
			{"Unknown Framework", fmt.Sprintf(`The server has no framework named "tfacc-fw-%s" with version "1.0-rc". Use one of: `, tag), "yolo v7, ",
				fmt.Sprintf("or, created by this plan, tfacc-fw-%s 1.0;", tag)},
			{"Unknown Hardware Generation", fmt.Sprintf(`The server has no hardware generation "tfacc-hw-%s-ti". Use one of: `, tag), "Pascal, ",
				fmt.Sprintf("or, created by this plan, tfacc-hw-%s;", tag)},
			{"Unknown Job Contract", fmt.Sprintf(`The server has no job contract "tfacc-jc-%ss". Use one of: `, tag), "Predict, ",
				fmt.Sprintf("or, created by this plan, tfacc-jc-%s;", tag)},
			{"Unknown CUDA Version", fmt.Sprintf(`The server has no CUDA version %q. Use one of: `, nextCUDAVersion(t, cuda)), "11.1, ",
				fmt.Sprintf("or, created by this plan, %s;", cuda)},
		}
		for _, typo := range typos {
			d := diagnosticOf(t, out, typo.summary, gpu)
			if !strings.Contains(d, typo.detail) || !strings.Contains(d, typo.choice) || !strings.Contains(d, typo.planned) {
				t.Errorf("the %s error does not say %q, list the server's choices (%q) and the planned row (%q):\n%s", typo.summary, typo.detail, typo.choice, typo.planned, d)
			}
		}
		if n := len(diagnostics(out)); n != len(typos) {
			t.Errorf("%d errors, want %d (one per typo, none for the CPU image, which refers to the same rows correctly):\n%s", n, len(typos), out)
		}
		if writes := writeCalls(srv); len(writes) > 0 {
			t.Errorf("a failed plan wrote to the server: %v", writes)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	var pks map[string]int64
	t.Run("one apply creates the rows, then the images", func(t *testing.T) {
		if out := cli.Must("plan"); !strings.Contains(out, "Plan: 7 to add, 0 to change, 0 to destroy.") {
			t.Fatalf("the plan does not add the family's 7 objects:\n%s", out)
		}
		srv.ResetCalls()
		cli.Must("apply", "-auto-approve")
		want := map[string]int{
			"POST /v1/frameworks/create": 1, "POST /v1/cuda/create": 1, "POST /v1/hardware/create": 1, "POST /v1/job-contracts/create": 1,
			"POST /v1/licences/create": 1, "PATCH /v1/licences/{pk}/subdescriptors": 4, // one per list: the create ignores them
			"POST /v1/docker/create": 2,
		}
		if got := writeCalls(srv); !maps.Equal(got, want) {
			t.Errorf("the apply wrote %v, want %v", got, want)
		}
		// Checks read whole tables, once per provider process (the plan's and the apply's),
		// never a row at a time.
		for route, n := range srv.CallCounts() {
			table, isList := strings.CutSuffix(strings.TrimPrefix(route, "POST /v1/"), "/list")
			if strings.HasPrefix(route, "GET ") || isList && table != "docker" && n > 2 {
				t.Errorf("the apply called %s %d times", route, n)
			}
		}
		t.Logf("calls of the apply: %v", srv.CallCounts())
		pks = expectFamily(t, srv, cli, tag, cuda, "https://example.com/licences/family")
		cli.ExpectEmptyPlan("after the apply")
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("a changed licence URL is one update", func(t *testing.T) {
		newURL := "https://example.com/licences/family-v2"
		cli.Env = append(cli.Env, "TF_VAR_licence_url="+newURL)
		out := cli.Must("plan")
		if !strings.Contains(out, "Plan: 0 to add, 1 to change, 0 to destroy.") || !strings.Contains(out, "ufdl_licence.family will be updated in-place") ||
			!strings.Contains(out, `"https://example.com/licences/family" -> "`+newURL+`"`) {
			t.Errorf("the plan is not one update of the licence's url:\n%s", out)
		}
		srv.ResetCalls()
		cli.Must("apply", "-auto-approve")
		if got, want := writeCalls(srv), map[string]int{"PATCH /v1/licences/{pk}": 1}; !maps.Equal(got, want) {
			t.Errorf("the update wrote %v, want %v", got, want)
		}
		if again := expectFamily(t, srv, cli, tag, cuda, newURL); !maps.Equal(again, pks) {
			t.Errorf("pks changed in the update: %v, before %v", again, pks)
		}
		cli.ExpectEmptyPlan("after the update")
	})

	t.Run("destroy restores the catalog", func(t *testing.T) {
		srv.ResetCalls()
		if out := cli.Must("destroy", "-auto-approve"); !strings.Contains(out, "Destroy complete! Resources: 7 destroyed.") {
			t.Errorf("destroy did not report the family's 7 objects:\n%s", out)
		}
		t.Logf("calls of the destroy: %v", srv.CallCounts())
		expectCatalogRestored(t, srv, before, snapshotCatalog(t, srv), tag)
	})
}

// expectFamily checks the family's state against the server: every row as configured, the
// images referring to the rows this configuration made (by their pks), and nothing in state
// that the server does not hold. It returns the pks by address.
func expectFamily(t *testing.T, srv *acctest.Server, cli *acctest.CLI, tag, cuda, licenceURL string) map[string]int64 {
	t.Helper()
	res := showResources(t, cli.Must("show", "-json"))
	pks := map[string]int64{}
	for addr, values := range res {
		pk, _ := values["pk"].(float64)
		pks[addr] = int64(pk)
	}
	if len(pks) != 7 {
		t.Fatalf("state holds %d objects, want 7: %v", len(pks), slices.Sorted(maps.Keys(pks)))
	}
	rows := map[string]struct {
		path string
		want map[string]any
	}{
		"ufdl_framework.family":           {"/v1/frameworks/%d", map[string]any{"name": "tfacc-fw-" + tag, "version": "1.0"}},
		"ufdl_cuda_version.family":        {"/v1/cuda/%d", map[string]any{"version": cuda, "full_version": "tfacc-" + tag, "min_driver_version": "999.99"}},
		"ufdl_hardware_generation.family": {"/v1/hardware/%d", map[string]any{"generation": "tfacc-hw-" + tag, "min_compute_capability": 9.0, "max_compute_capability": 9.5}},
		"ufdl_job_contract.family":        {"/v1/job-contracts/%d", map[string]any{"name": "tfacc-jc-" + tag, "pkg": "tfacc.jobcontracts", "cls": "tfacc.jobcontracts.t" + tag + ".Train"}},
		"ufdl_licence.family": {"/v1/licences/%d", map[string]any{"name": "tfacc-lic-" + tag, "url": licenceURL,
			"domains": []any{"Models", "Software"}, "permissions": []any{"Commercial use", "Modification"},
			"limitations": []any{"Liability"}, "conditions": []any{"License and copyright notice"}}},
	}
	for addr, row := range rows {
		var got map[string]any
		if err := srv.API(http.MethodGet, fmt.Sprintf(row.path, pks[addr]), nil, &got); err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		for field, want := range row.want {
			if canonical(got[field]) != canonical(want) {
				t.Errorf("%s: the server's %s is %v, want %v", addr, field, got[field], want)
			}
			if canonical(res[addr][field]) != canonical(want) {
				t.Errorf("%s: state's %s is %v, want %v", addr, field, res[addr][field], want)
			}
		}
	}
	for addr, tasks := range map[string][]any{"ufdl_dockerimage.gpu": {"Predict", "tfacc-jc-" + tag}, "ufdl_dockerimage.cpu": {"tfacc-jc-" + tag}} {
		img, err := srv.Image(pks[addr])
		if err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		want := map[string]any{
			"framework":               map[string]any{"pk": pks["ufdl_framework.family"], "name": "tfacc-fw-" + tag, "version": "1.0"},
			"min_hardware_generation": map[string]any{"pk": pks["ufdl_hardware_generation.family"], "generation": "tfacc-hw-" + tag, "min_compute_capability": 9.0, "max_compute_capability": 9.5},
			"licence":                 "tfacc-lic-" + tag,
			"tasks":                   tasks,
		}
		if addr == "ufdl_dockerimage.gpu" {
			want["cuda_version"] = map[string]any{"pk": pks["ufdl_cuda_version.family"], "version": cuda, "full_version": "tfacc-" + tag, "min_driver_version": "999.99"}
		}
		for field, w := range want {
			if canonical(img[field]) != canonical(w) {
				t.Errorf("%s: the server's %s is %v, want %v", addr, field, img[field], w)
			}
		}
		if got := res[addr]["framework"]; canonical(got) != canonical(pks["ufdl_framework.family"]) {
			t.Errorf("%s: state's framework is %v, want the new framework's pk %d", addr, got, pks["ufdl_framework.family"])
		}
	}
	return pks
}

// canonical writes a value of a JSON answer, a state or a test's expectation alike: numbers
// as numbers whatever their Go type, lists sorted.
func canonical(v any) string {
	return canonicalRow(map[string]any{"tasks": normalise(v)})
}

func normalise(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalise(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalise(e)
		}
		return out
	}
	return v
}

// unusedCUDAVersion picks a CUDA version that the server lacks, and so does the version a
// tenth above it (the typo of the test): random, for a server others use at the same time.
func unusedCUDAVersion(t *testing.T, srv *acctest.Server) string {
	t.Helper()
	var rows []map[string]any
	if err := srv.API(http.MethodPost, "/v1/cuda/list", map[string]any{}, &rows); err != nil {
		t.Fatal(err)
	}
	taken := map[string]bool{}
	for _, r := range rows {
		taken[fmt.Sprint(r["version"])] = true
	}
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(8000))
		if err != nil {
			t.Fatal(err)
		}
		v := fmt.Sprintf("%d.%d", 100+n.Int64()/10, n.Int64()%9) // never x.9: its typo stays below the next whole version's
		if !taken[v] && !taken[nextCUDAVersion(t, v)] {
			return v
		}
	}
}

// nextCUDAVersion is the version a tenth above v, as the test's typo writes it.
func nextCUDAVersion(t *testing.T, v string) string {
	t.Helper()
	whole, tenth, ok := strings.Cut(v, ".")
	if !ok || len(tenth) != 1 || tenth == "9" {
		t.Fatalf("CUDA version %q is not of the test's form", v)
	}
	return whole + "." + string(tenth[0]+1)
}
