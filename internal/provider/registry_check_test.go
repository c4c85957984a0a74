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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

// registryImage is gpuImage pulled from host/repoTag, with the registry account user (none
// when user is "").
func registryImage(t *testing.T, srv *acctest.Server, name, host, repoTag, user, password string) map[string]string {
	attrs := with(gpuImage(t, srv, name), "url", strconv.Quote(host+"/"+repoTag), "registry_url", strconv.Quote(host),
		"registry_username", "", "registry_password", "")
	if user != "" {
		attrs = with(attrs, "registry_username", strconv.Quote(user), "registry_password", strconv.Quote(password))
	}
	return attrs
}

// manifestRequests counts the registry's manifest requests for repo since the last call.
func manifestRequests(reg *registrytest.Distribution, repo string) int {
	n := 0
	for _, r := range reg.Requests() {
		if strings.HasPrefix(r.Path, "/v2/"+repo+"/manifests/") {
			n++
		}
	}
	return n
}

// TestAccRegistryOffline: the checks that need no registry, with registry_check off.
func TestAccRegistryOffline(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("offline")
	base := gpuImage(t, srv, name)
	const reg = "public.aml-repo.cms.waikato.ac.nz:443"
	plan := func(attrs map[string]string, want ...string) resource.TestStep {
		return resource.TestStep{Config: imageConfig(srv.ProviderConfig(), attrs), PlanOnly: true, ExpectError: errorText(want...)}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			plan(with(base, "url", strconv.Quote(reg+"/WaikatoDataMining/pytorch-yolov7:v7")),
				"Invalid Image Reference", `repository "WaikatoDataMining/pytorch-yolov7" must be lower case`),
			plan(with(base, "url", strconv.Quote(reg+"/team/app:v1@sha256:1234")),
				"Invalid Image Reference", `digest "sha256:1234" is not of the form algorithm:hex`),
			plan(with(base, "url", `"other.example.com/team/yolo:v7"`),
				"Image Not On The Login Registry", `url = "other.example.com/team/yolo:v7" is pulled from other.example.com, but registry_url`,
				`Set registry_url = "other.example.com"`),
			plan(with(base, "url", `"public.aml-repo.cms.waikato.ac.nz/team/yolo:v7"`),
				"Image Not On The Login Registry", "differ only in the port"),
			plan(with(base, "registry_password", ""),
				"Registry Username Without Password", `registry_username = "public" is set, but the server would hold no registry password`),
			{
				// The server keeps the password of an existing image when registry_password
				// is omitted: that is not a username without a password. Only state lets go
				// of it.
				Config: imageConfig(srv.ProviderConfig(), base),
			},
			{
				Config: imageConfig(srv.ProviderConfig(), with(base, "registry_password", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ufdl_dockerimage.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("ufdl_dockerimage.test", tfjsonpath.New("registry_password"), knownvalue.StringExact("")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccRegistryOfflineWarnings reads the warnings as a user does: in terraform's output.
func TestAccRegistryOfflineWarnings(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	attrs := with(gpuImage(t, srv, acctest.Name("warn")), "url", `"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7"`)
	other := with(gpuImage(t, srv, acctest.Name("warn2")), "url", `"other.example.com/team/yolo:v7"`, "registry_username", "", "registry_password", "")
	w := acctest.NewWorkdir(t, imageConfig(cliProviderBlock(srv), attrs)+strings.Replace(imageConfig("", other), `"test"`, `"other"`, 1))
	out, err := w.Run("plan", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Warning: Image Without Tag", "every worker pulls public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:latest",
		"Warning: Image Not On The Registry Of registry_url", "Without registry_username the launcher does not log in",
		"Plan: 2 to add",
	} {
		if !errorText(want).MatchString(out) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// cliProviderBlock is a provider block for acctest.Workdir, which runs the built provider.
func cliProviderBlock(srv *acctest.Server, extra ...string) string {
	return "terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\n" + srv.ProviderConfig(extra...)
}

// TestAccRegistryCheckError runs registry_check = "error" against a real registry with
// htpasswd: a missing tag and a wrong password fail the plan with their own messages, the
// write-only password is the one checked when it is configured, and a present image applies.
func TestAccRegistryCheckError(t *testing.T) {
	srv := acctest.NewServer(t)
	reg := registrytest.StartDistribution(t, true)
	reg.Push(t, "team/yolo:v7", registrytest.DockerImage)
	name := acctest.Name("regerr")
	pc := srv.ProviderConfig(`registry_check = "error"`)
	good := registryImage(t, srv, name, reg.Host, "team/yolo:v7", reg.User, reg.Password)
	wrong := "wrong-" + acctest.RandomSuffix()
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: imageConfig(pc, registryImage(t, srv, name, reg.Host, "team/yolo:v8", reg.User, reg.Password)),
				ExpectError: errorText("Image Not Found", fmt.Sprintf("Catalog entry %s:v7_2022-10-08_cuda11.1:", name),
					`no manifest for tag "v8" in repository team/yolo`, `closest to it: "v7"`),
			},
			{
				PreConfig: func() { reg.Requests() },
				Config:    imageConfig(pc, registryImage(t, srv, name, reg.Host, "team/yolo:v7", reg.User, wrong)),
				ExpectError: errorText("Registry Credentials Refused",
					fmt.Sprintf("refused the credentials of registry user %q", reg.User)),
			},
			{
				Config: imageConfig(pc, good),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), str(reg.Host+"/team/yolo:v7")),
				},
				Check: func(*terraform.State) error {
					if n := manifestRequests(reg, "team/yolo"); n == 0 {
						return fmt.Errorf("the plan did not ask the registry for the manifest")
					}
					return nil
				},
			},
			{
				// The write-only password is what the check logs in with.
				Config:      imageConfig(pc, writeOnly(good, wrong, 1)),
				ExpectError: errorText("Registry Credentials Refused"),
			},
			{
				Config: imageConfig(pc, writeOnly(good, reg.Password, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// TestAccRegistryCheckWarnAndOff: with "warn" a missing tag applies (the user is warned); with
// the check off the registry is never asked, even for a url on a registry that is not there.
func TestAccRegistryCheckWarnAndOff(t *testing.T) {
	srv := acctest.NewServer(t)
	reg := registrytest.StartDistribution(t, false)
	name := acctest.Name("regwarn")
	missing := registryImage(t, srv, name, reg.Host, "team/yolo:v9", "", "")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: imageConfig(srv.ProviderConfig(`registry_check = "warn"`), missing),
				Check: func(*terraform.State) error {
					if n := manifestRequests(reg, "team/yolo"); n == 0 {
						return fmt.Errorf("with registry_check = \"warn\" the plan did not ask the registry")
					}
					return nil
				},
			},
			{
				Config: imageConfig(srv.ProviderConfig(), with(missing, "url", strconv.Quote(reg.Host+"/team/yolo:v10"))),
				Check: func(*terraform.State) error {
					if reqs := reg.Requests(); len(reqs) != 0 {
						return fmt.Errorf("with registry_check off the registry got %d requests", len(reqs))
					}
					return nil
				},
			},
		},
	})
}

// TestAccRegistryCheckUnchanged: an image deleted from the registry after apply is found by
// the next plan only with registry_check_unchanged.
func TestAccRegistryCheckUnchanged(t *testing.T) {
	srv := acctest.NewServer(t)
	reg := registrytest.StartDistribution(t, false)
	digest := reg.Push(t, "team/app:v1", registrytest.DockerImage)
	attrs := registryImage(t, srv, acctest.Name("unch"), reg.Host, "team/app:v1", "", "")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: imageConfig(srv.ProviderConfig(`registry_check = "error"`), attrs)},
			{
				PreConfig: func() { reg.Delete(t, "team/app", digest) },
				Config:    imageConfig(srv.ProviderConfig(`registry_check = "error"`), attrs),
				PlanOnly:  true,
			},
			{
				Config:      imageConfig(srv.ProviderConfig(`registry_check = "error"`, "registry_check_unchanged = true"), attrs),
				PlanOnly:    true,
				ExpectError: errorText("Image Not Found", `no manifest for tag "v1" in repository team/app`, "The repository exists but has no tags."),
			},
			{
				Config:   imageConfig(srv.ProviderConfig(`registry_check = "warn"`, "registry_check_unchanged = true"), attrs),
				PlanOnly: true,
			},
		},
	})
}

// TestAccImageDigestPinsMovedTag: the digest data source and pin_image put the digest into url;
// pushing the tag again becomes an ordinary url change in the next plan.
func TestAccImageDigestPinsMovedTag(t *testing.T) {
	srv := acctest.NewServer(t)
	reg := registrytest.StartDistribution(t, true)
	first := reg.Push(t, "team/yolo:v7", registrytest.DockerList)
	attrs := with(registryImage(t, srv, acctest.Name("pin"), reg.Host, "team/yolo:v7", reg.User, reg.Password),
		"url", "provider::ufdl::pin_image(data.ufdl_image_digest.yolo.url, data.ufdl_image_digest.yolo.digest)")
	cfg := imageConfig(srv.ProviderConfig(`registry_check = "error"`), attrs) + fmt.Sprintf(`
data "ufdl_image_digest" "yolo" {
  url               = %q
  registry_username = %q
  registry_password = %q
}
`, reg.Host+"/team/yolo:v7", reg.User, reg.Password)
	const ds = "data.ufdl_image_digest.yolo"
	var moved string
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), str(reg.Host+"/team/yolo:v7@"+first)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("digest"), str(first)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("media_type"), str("application/vnd.docker.distribution.manifest.list.v2+json")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("pinned_url"), str(reg.Host+"/team/yolo:v7@"+first)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("registry"), str(reg.Host)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("repository"), str("team/yolo")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("tag"), str("v7")),
					statecheck.ExpectSensitiveValue(ds, tfjsonpath.New("registry_password")),
				},
			},
			{
				PreConfig: func() { moved = reg.Push(t, "team/yolo:v7", registrytest.DockerList) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringFunc(func(v string) error {
						if v != reg.Host+"/team/yolo:v7@"+moved {
							return fmt.Errorf("planned url %s, want the moved tag's digest %s", v, moved)
						}
						return nil
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("digest"), knownvalue.StringFunc(func(v string) error {
						if v == first {
							return fmt.Errorf("the data source still reads the old digest")
						}
						return nil
					})),
				},
			},
			{
				Config: srv.ProviderConfig() + `
data "ufdl_image_digest" "missing" {
  url = "` + reg.Host + `/team/yolo:v8"
}
`,
				ExpectError: errorText("Registry Login Required", "needs a login to pull"),
			},
		},
	})
}

func TestAccImageFunctions(t *testing.T) {
	srv := acctest.NewServer(t)
	const digest = "sha256:4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b"
	long := "registry.example.com:443/" + strings.Repeat("a", 100) + ":" + strings.Repeat("t", 40)
	out := func(expr string) string {
		return srv.ProviderConfig() + "output \"v\" {\n  value = " + expr + "\n}\n"
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: out(`provider::ufdl::pin_image("public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1", "` + digest + `")`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("v",
					str("public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1@"+digest))},
			},
			{
				Config: out(`provider::ufdl::parse_image("ubuntu:22.04@` + digest + `")`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("v", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": str("ubuntu"), "registry": str("docker.io"), "repository": str("library/ubuntu"), "tag": str("22.04"), "digest": str(digest),
				}))},
			},
			{
				Config: out(`provider::ufdl::parse_image("registry.example.com/team/app")`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("v", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": str("registry.example.com/team/app"), "registry": str("registry.example.com"), "repository": str("team/app"),
					"tag": knownvalue.Null(), "digest": knownvalue.Null(),
				}))},
			},
			{
				Config:      out(`provider::ufdl::pin_image("` + long + `", "` + digest + `")`),
				ExpectError: errorText("more than the 200 a catalog url holds", "Pin the name without its tag"),
			},
			{
				Config:      out(`provider::ufdl::pin_image("registry.example.com/team/app:v1", "latest")`),
				ExpectError: errorText(`digest "latest" is not of the form algorithm:hex`),
			},
			{
				Config:      out(`provider::ufdl::parse_image("https://registry.example.com/team/app:v1")`),
				ExpectError: errorText("starts with a scheme (https://)"),
			},
		},
	})
}
