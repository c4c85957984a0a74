// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

func TestAccDockerImageDataSource_byPKAndByNameVersion(t *testing.T) {
	srv, cat := samplesServer(t)
	v7 := cat.pk(t, "yolo:v7_2022-10-08_cuda11.1")
	cfg := srv.ProviderConfig() + fmt.Sprintf(`
data "ufdl_dockerimage" "by_pk" {
  pk                      = %d
  read_registry_passwords = true
}
data "ufdl_dockerimage" "by_name" {
  name    = "tf_objdet"
  version = "1.14.0_2019-08-31"
}
data "ufdl_dockerimage" "cpu" {
  name    = "pww3_cpu"
  version = "0.2.12"
}
`, v7)
	byPK := "data.ufdl_dockerimage.by_pk"
	byName := "data.ufdl_dockerimage.by_name"
	cpu := "data.ufdl_dockerimage.cpu"
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetCalls,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: slices.Concat(
				expectKnownValues(byPK, yoloV7Values(t, srv), map[string]knownvalue.Check{
					"id":                str(strconv.FormatInt(v7, 10)),
					"name":              str("yolo"),
					"url":               str("public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"),
					"registry_url":      str("public.aml-repo.cms.waikato.ac.nz:443"),
					"registry_password": str("public"),
					"tasks":             knownvalue.ListExact([]knownvalue.Check{str("Predict"), str("Train")}),
				}),
				[]statecheck.StateCheck{statecheck.ExpectSensitiveValue(byPK, tfjsonpath.New("registry_password"))},
				expectKnownValues(byName, map[string]knownvalue.Check{
					// Without read_registry_passwords, the server's password stays out of state.
					"registry_username": str("public"),
					"registry_password": knownvalue.Null(),
					"pk":                knownvalue.Int64Exact(cat.pk(t, "tf_objdet:1.14.0_2019-08-31")),
					"tasks":             knownvalue.ListExact([]knownvalue.Check{str("Export"), str("Predict"), str("Train")}),
					"framework_name":    str("tensorflow"),
					"cuda_version":      str("10.0"),
				}),
				expectKnownValues(cpu, map[string]knownvalue.Check{
					"pk":                      knownvalue.Int64Exact(cat.pk(t, "pww3_cpu:0.2.12")),
					"min_hardware_generation": knownvalue.Null(),
					"cpu":                     knownvalue.Bool(true),
					"domain":                  str("sc"),
					"framework_name":          str("weka"),
				}),
			),
			Check: expectListBodies(srv,
				fmt.Sprintf(`{"expressions":[{"type":"exact","field":"pk","value":%d}],"order_by":[]}`, v7),
				`{"expressions":[{"type":"exact","field":"name","value":"tf_objdet"},{"type":"exact","field":"version","value":"1.14.0_2019-08-31"}],"order_by":[]}`,
				`{"expressions":[{"type":"exact","field":"name","value":"pww3_cpu"},{"type":"exact","field":"version","value":"0.2.12"}],"order_by":[]}`,
			),
		}},
	})
}

// missingPK is a primary key no test server reaches.
const missingPK = 987654321

func TestAccDockerImageDataSource_errors(t *testing.T) {
	srv, _ := samplesServer(t)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config:      srv.ProviderConfig() + "data \"ufdl_dockerimage\" \"x\" {\n" + body + "\n}\n",
			ExpectError: errorText(want...),
		}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(fmt.Sprintf("pk = %d", missingPK), "Docker Image Not Found", fmt.Sprintf("The server holds no docker image with pk %d.", missingPK)),
			step("name = \"yolo\"\nversion = \"v9\"", "Docker Image Not Found", `The server holds no docker image named "yolo" with version "v9".`, "Check the spelling"),
			step(`name = "yolo"`, `Attribute "version" must be specified when "name" is specified`),
			step(``, "Missing Attribute Configuration", "Exactly one of these attributes must be configured: [pk,name]"),
			step("pk = 20\nname = \"yolo\"\nversion = \"v5_2022-05-31_cuda11.1\"", "Invalid Attribute Combination", "Exactly one of these attributes must be configured: [pk,name]"),
		},
	})
}

func TestAccDockerImageDataSource_severalMatches(t *testing.T) {
	srv, cat := samplesServer(t)
	srv.RequireHooks(t, "answers a list with two images of one name and version")
	v7 := cat.pk(t, "yolo:v7_2022-10-08_cuda11.1")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			// A server that breaks (name, version) uniqueness answers two images.
			PreConfig: func() {
				img, _ := srv.Ref.Image(v7)
				twin := maps.Clone(img)
				twin["pk"] = missingPK
				body, err := json.Marshal([]map[string]any{img, twin})
				if err != nil {
					t.Fatal(err)
				}
				srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultBody, Body: string(body), Times: 1})
			},
			Config: srv.ProviderConfig() + "data \"ufdl_dockerimage\" \"x\" {\n  name = \"yolo\"\n  version = \"v7_2022-10-08_cuda11.1\"\n}\n",
			ExpectError: errorText("Several Docker Images Match",
				fmt.Sprintf(`The server holds 2 docker images named "yolo" with version "v7_2022-10-08_cuda11.1" (pks %d, %d)`, v7, missingPK), "Read the one you mean by pk."),
		}},
	})
}

// feedConfig copies an image read by name (testdata/feed/copy.tf) and, with forEach, mirrors
// every GPU yolo image (mirror.tf).
func feedConfig(t *testing.T, forEach bool) string {
	t.Helper()
	cfg := acctest.TestdataFile(t, "feed/copy.tf")
	if forEach {
		cfg += acctest.TestdataFile(t, "feed/mirror.tf")
	}
	return cfg
}

// copiedAttributes are the attributes the copy takes from the image it copies.
var copiedAttributes = []string{"version", "url", "registry_url", "registry_username", "registry_password", "cuda_version",
	"cuda_full_version", "framework", "domain", "domain_description", "min_hardware_generation", "cpu", "licence"}

// TestAccDataSourceFeedsResource checks, with the plugin-testing state checks, a resource
// written from data-source results.
func TestAccDataSourceFeedsResource(t *testing.T) {
	srv, _ := samplesServer(t)
	prefix := acctest.Name("feed")
	yolo := yoloV7(t, srv)
	copyAddr := "ufdl_dockerimage.copy"
	src := "data.ufdl_dockerimage.src"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(copyAddr, tfjsonpath.New("name"), str(prefix+"-copy")),
		statecheck.ExpectKnownValue(copyAddr, tfjsonpath.New("framework"), knownvalue.Int64Exact(yolo)),
		statecheck.ExpectKnownValue(copyAddr, tfjsonpath.New("tasks"), knownvalue.SetExact([]knownvalue.Check{str("Predict"), str("Train")})),
		statecheck.ExpectKnownValue(copyAddr, tfjsonpath.New("registry_password"), str("public")),
		statecheck.ExpectSensitiveValue(copyAddr, tfjsonpath.New("registry_password")),
	}
	for _, attr := range copiedAttributes {
		checks = append(checks, statecheck.CompareValuePairs(src, tfjsonpath.New(attr), copyAddr, tfjsonpath.New(attr), compare.ValuesSame()))
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          srv.ProviderConfig() + feedConfig(t, false),
			ConfigVariables: config.Variables{"copy_name": config.StringVariable(prefix + "-copy")},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(copyAddr, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
			Check:             expectServerImage(srv, prefix+"-copy", "v7_2022-10-08_cuda11.1", yolo),
		}},
	})
}

// expectServerImage checks that the server holds image name:version with that framework.
func expectServerImage(srv *acctest.Server, name, version string, framework int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		images, err := srv.ImagesNamed(name)
		if err != nil {
			return err
		}
		for _, img := range images {
			if img["name"] == name && img["version"] == version {
				fw, _ := img["framework"].(map[string]any)
				if got := fmt.Sprint(fw["pk"]); got != fmt.Sprint(framework) {
					return fmt.Errorf("server's %s:%s has framework %s, want %d", name, version, got, framework)
				}
				return nil
			}
		}
		return fmt.Errorf("server holds no image %s:%s", name, version)
	}
}

// TestAccDataSourcesFeedResourcesForEach runs the whole config, the for_each included, with
// the terraform CLI itself: terraform-plugin-testing cannot read for_each instances back
// from state ("for_each is not supported").
func TestAccDataSourcesFeedResourcesForEach(t *testing.T) {
	t.Parallel()
	srv, _ := samplesServer(t)
	prefix := acctest.Name("feed")
	cli := acctest.NewCLI(t, acctest.NewWorkdir(t, queryProviderBlock+feedConfig(t, true)),
		srv.Env("TF_VAR_copy_name="+prefix+"-copy", "TF_VAR_mirror_name="+prefix+"-mirror"))

	out := cli.Must("apply", "-auto-approve")
	if !strings.Contains(out, "4 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply did not create the copy and three mirrors:\n%s", out)
	}
	if out, empty := cli.ExpectEmptyPlan("after apply"); empty && !strings.Contains(out, "No changes.") {
		t.Errorf("plan after apply does not say there are no changes:\n%s", out)
	}

	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(cli.Must("show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	values := map[string]map[string]any{}
	for _, r := range state.Values.RootModule.Resources {
		values[r.Address] = r.Values
	}
	src, cp := values["data.ufdl_dockerimage.src"], values["ufdl_dockerimage.copy"]
	if src == nil || cp == nil {
		t.Fatalf("state lacks the source or the copy: %v", slices.Sorted(maps.Keys(values)))
	}
	for _, attr := range copiedAttributes {
		if fmt.Sprint(src[attr]) != fmt.Sprint(cp[attr]) {
			t.Errorf("copy's %s = %v, source's %v", attr, cp[attr], src[attr])
		}
	}
	versions := []string{"v5_2022-05-31_cuda11.1", "v5_2022-11-05_cuda11.1", "v7_2022-10-08_cuda11.1"}
	yoloV5 := srv.FrameworkPK(t, "yolo", "v5")
	frameworks := []int64{yoloV5, yoloV5, yoloV7(t, srv)}
	images, _ := values["data.ufdl_dockerimages.yolo_gpu"]["images"].([]any)
	if len(images) != len(versions) {
		t.Fatalf("data.ufdl_dockerimages.yolo_gpu has %d images, want %d", len(images), len(versions))
	}
	for i, v := range versions {
		m := values[fmt.Sprintf("ufdl_dockerimage.mirror[%q]", v)]
		img, _ := images[i].(map[string]any)
		switch {
		case m == nil:
			t.Errorf("no mirror for %s", v)
		case m["name"] != prefix+"-mirror" || m["version"] != v || fmt.Sprint(m["framework"]) != fmt.Sprint(frameworks[i]) ||
			m["url"] != img["url"] || m["registry_password"] != "public":
			t.Errorf("mirror %s = %v, want name %s-mirror, framework %d, url %v", v, m, prefix, frameworks[i], img["url"])
		}
	}

	if err := expectServerImage(srv, prefix+"-copy", "v7_2022-10-08_cuda11.1", yoloV7(t, srv))(nil); err != nil {
		t.Error(err)
	}
	for i, v := range versions {
		if err := expectServerImage(srv, prefix+"-mirror", v, frameworks[i])(nil); err != nil {
			t.Error(err)
		}
	}
	if out := cli.Must("destroy", "-auto-approve"); !strings.Contains(out, "4 destroyed") {
		t.Errorf("destroy did not remove the four images:\n%s", out)
	}
}
