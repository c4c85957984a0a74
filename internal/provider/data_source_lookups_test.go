package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The seeded lookup tables give pks in CSV row order (internal/refserver/seed/*.csv).
func TestAccLookupDataSources_values(t *testing.T) {
	srv := acctest.NewServer(t)
	cfg := srv.ProviderConfig() + `
data "ufdl_framework" "yolo" {
  name    = "yolo"
  version = "v7"
}
data "ufdl_cuda_version" "c111" {
  version = "11.1"
}
data "ufdl_cuda_version" "cpu" {
  version = "0.0"
}
data "ufdl_hardware_generation" "pascal" {
  generation = "Pascal"
}
data "ufdl_licence" "gpl3" {
  name = "GPL3"
}
data "ufdl_licence" "apache" {
  name = "Apache 2.0"
}
data "ufdl_domain" "od" {
  code = "od"
}
data "ufdl_job_contract" "train" {
  name = "Train"
}
`
	kv := func(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
	}
	pk := func(addr string, want int64) statecheck.StateCheck {
		return kv(addr, "pk", knownvalue.Int64Exact(want))
	}
	empty := knownvalue.ListExact([]knownvalue.Check{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				pk("data.ufdl_framework.yolo", yoloV7),
				pk("data.ufdl_cuda_version.c111", 10),
				kv("data.ufdl_cuda_version.c111", "full_version", str("11.1.0")),
				kv("data.ufdl_cuda_version.c111", "min_driver_version", str("455.23.05")),
				pk("data.ufdl_cuda_version.cpu", 21),
				kv("data.ufdl_cuda_version.cpu", "full_version", str("0.0")),
				pk("data.ufdl_hardware_generation.pascal", 4),
				kv("data.ufdl_hardware_generation.pascal", "min_compute_capability", knownvalue.Float64Exact(6)),
				kv("data.ufdl_hardware_generation.pascal", "max_compute_capability", knownvalue.Float64Exact(7)),
				pk("data.ufdl_licence.gpl3", 9),
				kv("data.ufdl_licence.gpl3", "url", str("https://opensource.org/licenses/GPL-3.0")),
				kv("data.ufdl_licence.gpl3", "domains", empty),
				kv("data.ufdl_licence.gpl3", "permissions", empty),
				kv("data.ufdl_licence.gpl3", "limitations", empty),
				kv("data.ufdl_licence.gpl3", "conditions", empty),
				pk("data.ufdl_licence.apache", 2),
				kv("data.ufdl_licence.apache", "url", str("https://opensource.org/licenses/Apache-2.0")),
				pk("data.ufdl_domain.od", 2),
				kv("data.ufdl_domain.od", "description", str("Object Detection")),
				pk("data.ufdl_job_contract.train", 2),
				kv("data.ufdl_job_contract.train", "pkg", str("ufdl.jobcontracts")),
				kv("data.ufdl_job_contract.train", "cls", str("ufdl.jobcontracts.standard.Train")),
			},
			Check: func(*terraform.State) error {
				if srv.Ref == nil {
					return nil
				}
				// The lookups come from the lookup tables, never from the image catalog.
				for _, route := range []string{"/v1/frameworks", "/v1/cuda", "/v1/hardware", "/v1/licences", "/v1/domains", "/v1/job-contracts"} {
					if n := srv.Ref.Calls("POST " + route + "/list"); n == 0 {
						return fmt.Errorf("no list call of %s: the lookups did not come from the server", route)
					}
				}
				if n := srv.Ref.Calls("POST /v1/docker/list"); n != 0 {
					return fmt.Errorf("lookup data sources listed docker images %d times", n)
				}
				return nil
			},
		}},
	})
}

func TestAccLookupDataSources_notFound(t *testing.T) {
	srv := acctest.NewServer(t)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: srv.ProviderConfig() + body, ExpectError: errorText(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(`data "ufdl_framework" "x" {
  name    = "yolo"
  version = "v9"
}`, "Framework Not Found", `The server has no framework named "yolo" with version "v9". Use one of:`, `"yolo" "v5", "yolo" "v7"; or add it on the server first.`),
			step(`data "ufdl_cuda_version" "x" {
  version = "12.9"
}`, "CUDA Version Not Found", `The server has no CUDA version "12.9". Use one of: 0.0, 7.0, 7.5, 8.0, 9.0,`, "11.8, 12.0, 12.1;"),
			step(`data "ufdl_hardware_generation" "x" {
  generation = "Blackwell"
}`, "Hardware Generation Not Found", `The server has no hardware generation "Blackwell". Use one of: Fermi, Kepler, Maxwell, Pascal, Volta, Turing, Ampere, Hopper;`),
			step(`data "ufdl_licence" "x" {
  name = "WTFPL"
}`, "Licence Not Found", `The server has no licence "WTFPL". Use one of: "AGPL3", "Apache 2.0",`, `"The Unlicense";`),
			step(`data "ufdl_domain" "x" {
  code = "Object Detection"
}`, "Domain Not Found", `The server has no domain with code "Object Detection". Use one of: ic (Image Classification), is (Image Segmentation), od (Object Detection), sc (Spectrum Classification), sp (Speech);`),
			step(`data "ufdl_job_contract" "x" {
  name = "train"
}`, "Job Contract Not Found", `The server has no job contract "train". Use one of: Export, Predict, Train;`),
		},
	})
}
