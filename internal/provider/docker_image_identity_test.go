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
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: imageConfig(srv.ProviderConfig(), attrs),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"pk":      knownvalue.NotNull(),
						"name":    knownvalue.StringExact(name),
						"version": knownvalue.StringExact("v7_2022-10-08_cuda11.1"),
					}),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// Rename in place: same pk, identity follows.
				Config: imageConfig(srv.ProviderConfig(), renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValue(addr, tfjsonpath.New("version"), knownvalue.StringExact("v7_renamed")),
				},
			},
		},
	})
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
	pk := srv.CreateImage(t, map[string]any{
		"name": name, "version": "v1", "url": "r.example.com/x:1", "registry_url": "r.example.com",
		"registry_username": nil, "registry_password": nil, "cuda_version": "11.1", "framework": yoloV7(t, srv), "domain": "od",
		"tasks": []string{"Train"}, "min_hardware_generation": "Pascal", "cpu": false, "licence": "MIT",
	})
	w := acctest.NewWorkdir(t, acctest.Testdata(t, "main.tf"))
	env := []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword,
		"TF_VAR_name=" + name, "TF_VAR_framework=" + strconv.FormatInt(yoloV7(t, srv), 10)}
	out, err := w.RunEnv(env, "apply", "-auto-approve", "-no-color")
	if err != nil || !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply with an import block by name and version: %v\n%s", err, out)
	}
	if out, err := w.RunEnv(env, "state", "show", "-no-color", "ufdl_dockerimage.adopted"); err != nil || !strings.Contains(out, "pk ") || !strings.Contains(out, strconv.FormatInt(pk, 10)) {
		t.Errorf("state does not hold pk %d: %v\n%s", pk, err, out)
	}
	if out, err := w.RunEnv(env, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Errorf("plan after import is not empty: %v\n%s", err, out)
	}
	if n := srv.CountImagesNamed(t, name); n != 1 {
		t.Errorf("server holds %d images, want the one adopted", n)
	}
}
