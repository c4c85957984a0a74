// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

func TestAccLookupDataSources_values(t *testing.T) {
	srv := acctest.NewServer(t)
	cfg := srv.ProviderConfig() + acctest.Testdata(t, "main.tf")
	kv := func(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
	}
	// Every value is what the server's own table holds for that row: pks and licence
	// details differ between deployments.
	row := func(table, key, value string) map[string]any {
		var rows []map[string]any
		if err := srv.API(http.MethodPost, "/v1/"+table+"/list", map[string]any{}, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if fmt.Sprint(r[key]) == value {
				return r
			}
		}
		t.Fatalf("the server's %s table has no row with %s %q", table, key, value)
		return nil
	}
	same := func(addr string, r map[string]any, attrs ...string) []statecheck.StateCheck {
		pk, _ := r["pk"].(float64)
		out := []statecheck.StateCheck{kv(addr, "pk", knownvalue.Int64Exact(int64(pk)))}
		for _, a := range attrs {
			switch v := r[a].(type) {
			case string:
				out = append(out, kv(addr, a, str(v)))
			case float64:
				out = append(out, kv(addr, a, knownvalue.Float64Exact(v)))
			case []any:
				names := make([]string, len(v))
				for i, e := range v {
					names[i] = fmt.Sprint(e)
				}
				slices.Sort(names)
				checks := make([]knownvalue.Check, len(names))
				for i, n := range names {
					checks[i] = str(n)
				}
				out = append(out, kv(addr, a, knownvalue.ListExact(checks)))
			default:
				t.Fatalf("%s: unexpected %T in the server's row for %s", addr, v, a)
			}
		}
		return out
	}
	subdescriptors := []string{"url", "domains", "permissions", "limitations", "conditions"}
	checks := slices.Concat(
		same("data.ufdl_cuda_version.c111", row("cuda", "version", "11.1"), "full_version", "min_driver_version"),
		same("data.ufdl_cuda_version.cpu", row("cuda", "version", "0.0"), "full_version"),
		same("data.ufdl_hardware_generation.pascal", row("hardware", "generation", "Pascal"), "min_compute_capability", "max_compute_capability"),
		same("data.ufdl_licence.gpl3", row("licences", "name", "GPL3"), subdescriptors...),
		same("data.ufdl_licence.apache", row("licences", "name", "Apache 2.0"), subdescriptors...),
		same("data.ufdl_domain.od", row("domains", "name", "od"), "description"),
		same("data.ufdl_job_contract.train", row("job-contracts", "name", "Train"), "pkg", "cls"),
		[]statecheck.StateCheck{
			// The values people know, whatever the deployment.
			kv("data.ufdl_framework.yolo", "pk", knownvalue.Int64Exact(yoloV7(t, srv))),
			kv("data.ufdl_framework.yolo", "version", str("v7")),
			kv("data.ufdl_cuda_version.c111", "full_version", str("11.1.0")),
			kv("data.ufdl_hardware_generation.pascal", "min_compute_capability", knownvalue.Float64Exact(6)),
			kv("data.ufdl_licence.gpl3", "url", str("https://opensource.org/licenses/GPL-3.0")),
			kv("data.ufdl_domain.od", "description", str("Object Detection")),
			kv("data.ufdl_job_contract.train", "cls", str("ufdl.jobcontracts.standard.Train")),
		},
	)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetCalls,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				// The lookups come from the lookup tables, never from the image catalog.
				for _, route := range []string{"/v1/frameworks", "/v1/cuda", "/v1/hardware", "/v1/licences", "/v1/domains", "/v1/job-contracts"} {
					if n := srv.Calls("POST " + route + "/list"); n == 0 {
						return fmt.Errorf("no list call of %s: the lookups did not come from the server", route)
					}
				}
				if n := srv.Calls("POST /v1/docker/list"); n != 0 {
					return fmt.Errorf("lookup data sources listed docker images %d times", n)
				}
				return nil
			},
		}},
	})
}

// TestAccLookupDataSources_notFound: a lookup value the server does not hold fails with the
// server's choices. They are checked by the seed's rows only, in the server's order: on a
// shared server other tests add rows of their own at the same time.
func TestAccLookupDataSources_notFound(t *testing.T) {
	srv := acctest.NewServer(t)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: srv.ProviderConfig() + body, ExpectError: errorText(want...)}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(`data "ufdl_framework" "x" {
  name    = "yolo"
  version = "v9"
}`, "Unknown Framework", `The server has no framework named "yolo" with version "v9". Use one of:`, `(yolo v5)`, `(yolo v7)`, `; or create it first: with its resource in this configuration (refer to that resource here), or on the server.`),
			step(`data "ufdl_cuda_version" "x" {
  version = "12.9"
}`, "Unknown CUDA Version", `The server has no CUDA version "12.9". Use one of: 0.0, 7.0, 7.5, 8.0, 9.0,`, "11.8, 12.0, 12.1", "; or create it first: with its resource in this configuration (refer to that resource here), or on the server."),
			step(`data "ufdl_hardware_generation" "x" {
  generation = "Blackwell"
}`, "Unknown Hardware Generation", `The server has no hardware generation "Blackwell". Use one of: Fermi, Kepler, Maxwell, Pascal, Volta, Turing, Ampere, Hopper`),
			step(`data "ufdl_licence" "x" {
  name = "WTFPL"
}`, "Unknown Licence", `The server has no licence "WTFPL". Use one of: "AGPL3", "Apache 2.0",`, `"The Unlicense"`),
			step(`data "ufdl_domain" "x" {
  code = "Object Detection"
}`, "Unknown Domain", `The server has no domain with code "Object Detection". Use one of: ic (Image Classification), is (Image Segmentation), od (Object Detection), sc (Spectrum Classification), sp (Speech).`),
			step(`data "ufdl_job_contract" "x" {
  name = "train"
}`, "Unknown Job Contract", `The server has no job contract "train". Use one of: Export, Predict, `, `Train`),
		},
	})
}
