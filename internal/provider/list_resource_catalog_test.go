// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// catalogListPaths are the list paths of the five catalog tables, by resource type.
var catalogListPaths = map[string]string{
	"ufdl_framework":           "/v1/frameworks/list",
	"ufdl_cuda_version":        "/v1/cuda/list",
	"ufdl_hardware_generation": "/v1/hardware/list",
	"ufdl_licence":             "/v1/licences/list",
	"ufdl_job_contract":        "/v1/job-contracts/list",
}

// catalogRows returns the rows of a catalog resource type's table as the server answers.
func catalogRows(t *testing.T, srv *acctest.Server, typ string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := srv.API(http.MethodPost, catalogListPaths[typ], map[string]any{}, &rows); err != nil {
		t.Fatalf("listing %s: %v", typ, err)
	}
	return rows
}

// catalogPK returns the pk of the row of typ's table whose fields hold want: pks differ
// between deployments.
func catalogPK(t *testing.T, srv *acctest.Server, typ string, want map[string]string) int64 {
	t.Helper()
next:
	for _, row := range catalogRows(t, srv, typ) {
		for k, v := range want {
			if fmt.Sprint(row[k]) != v {
				continue next
			}
		}
		return acctest.PK(row)
	}
	t.Fatalf("the server has no %s %v", typ, want)
	return 0
}

func strSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// resourceValues checks the state a list result carries for the row whose identity is id.
func resourceValues(address string, id map[string]knownvalue.Check, values map[string]knownvalue.Check) querycheck.QueryResultCheck {
	checks := make([]querycheck.KnownValueCheck, 0, len(values))
	for attr, v := range values {
		checks = append(checks, querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: v})
	}
	return querycheck.ExpectResourceKnownValues(address, queryfilter.ByResourceIdentity(id), checks)
}

// TestAccCatalogListResources_filtersAndIdentity queries the five catalog tables of the
// real deployment's seed through terraform-plugin-testing's query steps: exact natural keys
// (case-sensitive; a CUDA version as a number), contains (ignoring case), the identity of
// every result and, with include_resource, the state the resource's Read writes.
func TestAccCatalogListResources_filtersAndIdentity(t *testing.T) {
	srv := acctest.NewServer(t)
	pk := func(typ string, want map[string]string) knownvalue.Check {
		return knownvalue.Int64Exact(catalogPK(t, srv, typ, want))
	}
	yoloV5 := map[string]knownvalue.Check{"pk": pk("ufdl_framework", map[string]string{"name": "yolo", "version": "v5"}), "name": str("yolo"), "version": str("v5")}
	yoloV7 := map[string]knownvalue.Check{"pk": pk("ufdl_framework", map[string]string{"name": "yolo", "version": "v7"}), "name": str("yolo"), "version": str("v7")}
	cuda := map[string]knownvalue.Check{"pk": pk("ufdl_cuda_version", map[string]string{"version": "11.1"}), "version": str("11.1")}
	pascal := map[string]knownvalue.Check{"pk": pk("ufdl_hardware_generation", map[string]string{"generation": "Pascal"}), "generation": str("Pascal")}
	bsd2 := map[string]knownvalue.Check{"pk": pk("ufdl_licence", map[string]string{"name": "BSD 2-clause"}), "name": str("BSD 2-clause")}
	bsd3 := map[string]knownvalue.Check{"pk": pk("ufdl_licence", map[string]string{"name": "BSD 3-clause"}), "name": str("BSD 3-clause")}
	train := map[string]knownvalue.Check{"pk": pk("ufdl_job_contract", map[string]string{"name": "Train"}), "name": str("Train")}

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			// terraform query came with Terraform 1.14; CI runs this on Terraform 1.16.
			tfversion.SkipBelow(tfversion.Version1_14_0),
		},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: srv.ProviderConfig()},
			{
				Query:  true,
				Config: acctest.Testdata(t, "catalog.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("ufdl_framework.yolo", 2),
					querycheck.ExpectIdentity("ufdl_framework.yolo", yoloV5),
					querycheck.ExpectIdentity("ufdl_framework.yolo", yoloV7),
					displayOrder{address: "list.ufdl_framework.yolo", want: []string{"yolo:v5", "yolo:v7"}},

					querycheck.ExpectLength("ufdl_framework.yolo_v7", 1),
					resourceValues("ufdl_framework.yolo_v7", yoloV7, map[string]knownvalue.Check{
						"pk": yoloV7["pk"], "name": str("yolo"), "version": str("v7"),
					}),

					querycheck.ExpectLength("ufdl_cuda_version.eleven_one", 1),
					resourceValues("ufdl_cuda_version.eleven_one", cuda, map[string]knownvalue.Check{
						"version": str("11.1"), "full_version": str("11.1.0"), "min_driver_version": str("455.23.05"),
					}),

					querycheck.ExpectLength("ufdl_hardware_generation.pascal", 1),
					resourceValues("ufdl_hardware_generation.pascal", pascal, map[string]knownvalue.Check{
						"generation": str("Pascal"), "min_compute_capability": knownvalue.Float64Exact(6), "max_compute_capability": knownvalue.Float64Exact(7),
					}),

					querycheck.ExpectLength("ufdl_licence.bsd", 2),
					querycheck.ExpectIdentity("ufdl_licence.bsd", bsd3),
					resourceValues("ufdl_licence.bsd", bsd2, map[string]knownvalue.Check{
						"name":        str("BSD 2-clause"),
						"url":         str("https://opensource.org/licenses/BSD-2-Clause"),
						"domains":     strSet("Software", "Models"),
						"permissions": strSet("Private use", "Modification", "Commercial use", "Distribution"),
						"limitations": strSet("Warranty", "Liability"),
						"conditions":  strSet("License and copyright notice"),
					}),

					querycheck.ExpectLength("ufdl_job_contract.train", 1),
					resourceValues("ufdl_job_contract.train", train, map[string]knownvalue.Check{
						"pkg": str("ufdl.jobcontracts"), "cls": str("ufdl.jobcontracts.standard.Train"),
					}),
					querycheck.ExpectLength("ufdl_job_contract.lower_case", 0),
				},
			},
		},
	})
}

// TestAccCatalogListResources_adoptTheCatalog runs terraform query over the five catalog
// tables to generate their configuration and import blocks, applies it, and expects every
// row imported, nothing else done, and then an empty plan: the state a list result carries
// is the state the resource writes.
func TestAccCatalogListResources_adoptTheCatalog(t *testing.T) {
	// terraform query came with Terraform 1.14; CI runs this on Terraform 1.16. The test
	// drives the CLI itself because it needs -generate-config-out, which query steps lack.
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_14_0))
	t.Parallel()
	srv := acctest.NewServer(t)
	if srv.Ref == nil {
		t.Skip("adopts every row of the five tables: on a shared deployment, rows other tests make and delete meanwhile would come and go under it")
	}
	total := 0
	var query strings.Builder
	for typ := range catalogListPaths {
		total += len(catalogRows(t, srv, typ))
		fmt.Fprintf(&query, "list %q \"all\" {\n  provider         = ufdl\n  include_resource = true\n}\n", typ)
	}

	w := acctest.NewWorkdir(t, queryProviderBlock)
	if err := os.WriteFile(filepath.Join(w.Dir, "catalog.tfquery.hcl"), []byte(query.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, w, srv.Env())
	cli.Must("query", "-generate-config-out=generated.tf")
	gen, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(gen), "\nimport {"); n != total {
		t.Fatalf("generated %d import blocks, want %d:\n%s", n, total, gen)
	}
	for _, want := range []string{`version\s+= "11.1"`, `generation\s+= "Pascal"`, `name\s+= "Apache 2.0"`, `cls\s+= "ufdl.jobcontracts.standard.Train"`, `"Trademark use"`} {
		if !regexp.MustCompile(want).Match(gen) {
			t.Errorf("the generated configuration lacks %s", want)
		}
	}
	srv.ResetCalls()
	if out := cli.Must("apply", "-auto-approve"); !strings.Contains(out, fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", total)) {
		t.Fatalf("apply of the generated configuration:\n%s", out)
	}
	cli.ExpectEmptyPlan("after adopting the catalog tables")
	for call, n := range srv.CallCounts() {
		if !strings.HasPrefix(call, http.MethodGet) && !strings.HasSuffix(call, "/list") && !strings.HasPrefix(call, "POST /v1/auth/") {
			t.Errorf("adopting the catalog tables wrote to the server: %d × %s", n, call)
		}
	}
}
