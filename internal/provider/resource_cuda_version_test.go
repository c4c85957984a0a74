// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccCUDAVersion_versionsTheServerRefuses: a version that is no decimal the server's
// column (4 digits, 1 after the point) can hold fails at plan, in the server's words, and
// nothing is written.
func TestAccCUDAVersion_versionsTheServerRefuses(t *testing.T) {
	srv := acctest.NewServer(t)
	row, _ := cudaKind.newRow(t, srv)
	plan := func(version, problem string) resource.TestStep {
		return resource.TestStep{
			Config:   cudaKind.config(srv, row.with(fields{"version": version})),
			PlanOnly: true,
			ExpectError: errorText("Invalid CUDA Version", fmt.Sprintf(`version = %q is not a version the server can store: %s`, version, problem),
				`Write it as digits with at most one decimal place, e.g. "12.4".`),
		}
	}
	cudaKind.testRefused(t, srv,
		plan("11.15", "Ensure that there are no more than 1 decimal places"),
		plan("1234", "Ensure that there are no more than 3 digits before the decimal point"),
		plan("1e3", "Ensure that there are no more than 3 digits before the decimal point"),
		plan("98765", "Ensure that there are no more than 4 digits in total"),
		plan("abc", "A valid number is required"),
		plan("NaN", "A valid number is required"),
	)
}

// TestAccCUDAVersion_decimalForms: versions compare as the server compares them, as decimals,
// and are sent in its form. A row written "917" is created as "917.0" and plans nothing after
// its refresh; rewriting it "0917.00" (which the server would refuse as written) changes
// state only, not the server; an import by any form finds it; and "11.10" is the row 11.1.
func TestAccCUDAVersion_decimalForms(t *testing.T) {
	srv := acctest.NewServer(t)
	row, _ := cudaKind.newRow(t, srv)
	canonical := srv.UnusedCUDAVersion(t, true) // "917.0"
	whole := strings.TrimSuffix(canonical, ".0")
	padded := "0" + canonical + "0"
	row["version"] = whole
	addr := cudaKind.addr("test")
	var pk int64
	written := func(version string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.StringExact(version))}
	}
	importAs := func(id string) resource.TestStep {
		return resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateId: id,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["pk"] != strconv.FormatInt(pk, 10) || states[0].Attributes["version"] != canonical {
					return fmt.Errorf("import %q gave %v, want pk %d with version %s", id, states, pk, canonical)
				}
				return nil
			},
		}
	}
	existing := cudaPK(t, srv, "11.1")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: srv.ResetCalls,
				Config:    cudaKind.config(srv, row),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: written(whole),
				Check: resource.ComposeTestCheckFunc(
					rememberPKOf(addr, &pk),
					cudaKind.expectWrites(srv, rowWrite{"POST create", row.with(fields{"version": canonical})}),
					cudaKind.expectServerRow(srv, addr, row.with(fields{"version": canonical})),
				),
			},
			{
				// Terraform shows the new spelling; the server is not written to.
				PreConfig: srv.ResetCalls,
				Config:    cudaKind.config(srv, row.with(fields{"version": padded})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChangedAttributes(addr, "version")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: written(padded),
				Check: resource.ComposeTestCheckFunc(
					cudaKind.expectWrites(srv),
					cudaKind.expectServerRow(srv, addr, row.with(fields{"version": canonical})),
				),
			},
			importAs(whole),
			importAs(padded),
			{
				Config:      srv.ProviderConfig() + cudaKind.block("other", row.with(fields{"version": "11.10", "full_version": row["full_version"].(string) + "b"})),
				PlanOnly:    true,
				ExpectError: errorText("CUDA Version Already Exists", fmt.Sprintf(`The server already holds CUDA version %d with version "11.1", which must be unique.`, existing)),
			},
		},
	})
}

// cudaPK is the pk of CUDA version v ("11.1") on srv.
func cudaPK(t *testing.T, srv *acctest.Server, v string) int64 {
	t.Helper()
	rows, err := srv.Rows(cudaKind.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r["version"] == v {
			return acctest.PK(r)
		}
	}
	t.Fatalf("the server has no CUDA version %s", v)
	return 0
}
