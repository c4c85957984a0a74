// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccDockerImage_identity runs on Terraform 1.12 and later (and OpenTofu): identity is
// set on create and follows an in-place rename; import blocks by identity verify every attribute.
func TestAccDockerImage_identity(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("ident")
	attrs := gpuImage(t, srv, name)
	renamed := with(attrs, "version", `"v7_renamed"`)
	acctest.TestFrom(t, tfversion.Version1_12_0,
		resource.TestStep{
			Config: imageConfig(srv.ProviderConfig(), attrs),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
					"pk":      knownvalue.NotNull(),
					"name":    knownvalue.StringExact(name),
					"version": knownvalue.StringExact("v7_2022-10-08_cuda11.1"),
				}),
			},
		},
		resource.TestStep{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
			},
		},
		resource.TestStep{
			// Rename in place: same pk, identity follows.
			Config: imageConfig(srv.ProviderConfig(), renamed),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValue(addr, tfjsonpath.New("version"), knownvalue.StringExact("v7_renamed")),
			},
		},
	)
}

// TestAccDockerImage_importBlockByNameAndVersionIdentity imports with an identity that
// names the image instead of giving its pk, through the real CLI, and expects an empty plan.
func TestAccDockerImage_importBlockByNameAndVersionIdentity(t *testing.T) {
	// Import blocks with identity came with Terraform 1.12 and OpenTofu 1.12; CI runs this
	// on Terraform 1.16.
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_12_0))
	t.Parallel()
	srv := acctest.NewServer(t)
	name := acctest.Name("adopt")
	pk := srv.CreateImage(t, imageBody(t, srv, name, "v1", "r.example.com/x:1", "Train"))
	cli := acctest.NewCLI(t, acctest.NewWorkdir(t, acctest.Testdata(t, "main.tf")),
		srv.Env("TF_VAR_name="+name, "TF_VAR_framework="+strconv.FormatInt(yoloV7(t, srv), 10)))
	if out := cli.Must("apply", "-auto-approve"); !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply with an import block by name and version:\n%s", out)
	}
	if out := cli.Must("state", "show", "ufdl_dockerimage.adopted"); !strings.Contains(out, "pk ") || !strings.Contains(out, strconv.FormatInt(pk, 10)) {
		t.Errorf("state does not hold pk %d:\n%s", pk, out)
	}
	cli.ExpectEmptyPlan("after import")
	if n := srv.CountImagesNamed(t, name); n != 1 {
		t.Errorf("server holds %d images, want the one adopted", n)
	}
}
