// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// deploymentTables are the five writable tables as examples/adopt-deployment manages them:
// its resource type, the API's collection, and the seed file.
var deploymentTables = []struct{ resource, collection, file string }{
	{"ufdl_framework", "frameworks", "frameworks.json"}, {"ufdl_cuda_version", "cuda", "cuda.json"},
	{"ufdl_hardware_generation", "hardware", "hardware.json"}, {"ufdl_licence", "licences", "licences.json"},
	{"ufdl_job_contract", "job-contracts", "job-contracts.json"},
}

// naturalKey is a row's key in examples/adopt-deployment, which is also its import ID.
func naturalKey(resource string, row map[string]any) string {
	switch resource {
	case "ufdl_framework":
		return fmt.Sprintf("%v:%v", row["name"], row["version"])
	case "ufdl_cuda_version":
		return fmt.Sprint(row["version"])
	case "ufdl_hardware_generation":
		return fmt.Sprint(row["generation"])
	}
	return fmt.Sprint(row["name"])
}

// seedRows returns the natural key of every row of the seed tables, by its address in
// examples/adopt-deployment.
func seedRows(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range deploymentTables {
		b, err := os.ReadFile(filepath.Join(seedDir, table.file))
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatalf("%s: %v", table.file, err)
		}
		for _, row := range rows {
			out[fmt.Sprintf("%s.catalog[%q]", table.resource, naturalKey(table.resource, row))] = table.resource
		}
	}
	return out
}

// TestAccAdoptDeployment points examples/adopt-deployment at the project's copy of the seed
// (what a fresh deployment serves) over a server that holds it: the first plan imports every
// row of the five tables and every image, by natural key, and changes nothing; after the
// apply the state holds the server's pks and the next plan is empty; the release folder lets
// go of everything, and the server's catalog is as it was. Against the real backend too: it
// ends with the removed blocks, never a destroy.
func TestAccAdoptDeployment(t *testing.T) {
	t.Parallel()
	srv, cat := samplesServer(t)
	before := snapshotCatalog(t, srv)
	rows := seedRows(t)

	w := acctest.NewWorkdir(t, "")
	copyExample(t, filepath.Join(examplesRoot, "adopt-deployment"), w.Dir, func(s string) string { return s })
	cli := acctest.NewCLI(t, w, srv.Env("TF_VAR_seed_dir="+absPath(t, seedDir)))

	srv.ResetCalls()
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(rows)+len(cat.pks))
	out := cli.Must("plan")
	if !strings.Contains(out, want) {
		t.Fatalf("the first plan does not just import the deployment (want %q):\n%s", want, out)
	}
	t.Logf("the first plan of %d rows and %d images: %v", len(rows), len(cat.pks), srv.CallCounts())
	if writes := writeCalls(srv); len(writes) > 0 {
		t.Errorf("the plan wrote to the server: %v", writes)
	}
	// The rows are imported and read from one list of each table, not one call each.
	for _, table := range deploymentTables {
		if n := srv.Calls("POST /v1/" + table.collection + "/list"); n != 1 {
			t.Errorf("the plan listed %s %d times, want once", table.collection, n)
		}
		if n := srv.Calls("GET /v1/" + table.collection + "/{pk}"); n != 0 {
			t.Errorf("the plan read %d %s one at a time", n, table.collection)
		}
	}

	cli.Must("apply", "-auto-approve")
	t.Cleanup(func() {
		// Whatever happens, let go without deleting: the seed of a shared server stays.
		release(t, cli, filepath.Join(examplesRoot, "adopt-deployment", releaseFolder))
	})
	if _, empty := cli.ExpectEmptyPlan("after adoption"); !empty {
		t.FailNow()
	}
	managed := showResources(t, cli.Must("show", "-json"))
	server := serverPKsByKey(t, srv)
	for addr := range rows {
		pk, _ := managed[addr]["pk"].(float64)
		if want := server[addr]; want == 0 || int64(pk) != want {
			t.Errorf("%s: state holds pk %v, the server %d", addr, managed[addr]["pk"], want)
		}
	}
	for nv, want := range cat.pks {
		addr := fmt.Sprintf("ufdl_dockerimage.catalog[%q]", nv)
		if pk, _ := managed[addr]["pk"].(float64); int64(pk) != want {
			t.Errorf("%s: state holds pk %v, the server %d", addr, managed[addr]["pk"], want)
		}
		// "" says that the server holds a password that state does not keep.
		if pw, _ := managed[addr]["registry_password"].(string); pw != "" {
			t.Errorf("%s: an adopted image's registry password is in state", addr)
		}
	}
	if len(managed) != len(rows)+len(cat.pks) {
		t.Errorf("state holds %d objects, want %d", len(managed), len(rows)+len(cat.pks))
	}

	release(t, cli, filepath.Join(examplesRoot, "adopt-deployment", releaseFolder))
	expectCatalogRestored(t, srv, before, snapshotCatalog(t, srv), "")
}

// release replaces a working directory's configuration with the example's release folder
// and applies it: every object leaves the state, none is destroyed. It does nothing once the
// state is empty.
func release(t *testing.T, cli *acctest.CLI, releaseDir string) {
	t.Helper()
	if len(showResources(t, cli.Must("show", "-json"))) == 0 {
		return
	}
	removeConfig(t, cli.Dir)
	copyExample(t, releaseDir, cli.Dir, func(s string) string { return s })
	if out := cli.Must("apply", "-auto-approve"); !strings.Contains(out, "0 destroyed") {
		t.Errorf("letting go destroyed something:\n%s", out)
	}
	if left := showResources(t, cli.Must("show", "-json")); len(left) > 0 {
		t.Errorf("after %s the state still manages %d objects", releaseDir, len(left))
	}
}

// serverPKsByKey returns the pks of the server's rows of the five writable tables, by their
// address in examples/adopt-deployment.
func serverPKsByKey(t *testing.T, srv *acctest.Server) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range deploymentTables {
		var rows []map[string]any
		if err := srv.API(http.MethodPost, "/v1/"+table.collection+"/list", map[string]any{}, &rows); err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			out[fmt.Sprintf("%s.catalog[%q]", table.resource, naturalKey(table.resource, row))] = acctest.PK(row)
		}
	}
	return out
}
