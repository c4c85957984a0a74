// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

const addr = "ufdl_dockerimage.test"

// yoloV7 is the pk of framework "yolo v7" on srv: pks differ between deployments.
func yoloV7(t *testing.T, srv *acctest.Server) int64 {
	t.Helper()
	return srv.FrameworkPK(t, "yolo", "v7")
}

// gpuImage returns the attributes of a GPU image as HCL expressions; tests override some.
func gpuImage(t *testing.T, srv *acctest.Server, name string) map[string]string {
	t.Helper()
	return map[string]string{
		"name":                    strconv.Quote(name),
		"version":                 `"v7_2022-10-08_cuda11.1"`,
		"url":                     `"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"`,
		"registry_url":            `"public.aml-repo.cms.waikato.ac.nz:443"`,
		"registry_username":       `"public"`,
		"registry_password":       `"s3cret-registry-pw"`,
		"cuda_version":            `"11.1"`,
		"framework":               strconv.FormatInt(yoloV7(t, srv), 10),
		"domain":                  `"od"`,
		"tasks":                   `["Train", "Predict"]`,
		"min_hardware_generation": `"Pascal"`,
		"licence":                 `"GPL3"`,
	}
}

// with returns a copy of attrs with the given attributes replaced ("" value removes one).
func with(attrs map[string]string, kv ...string) map[string]string {
	out := maps.Clone(attrs)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

// writeOnly returns a copy of attrs whose registry password is the write-only password, at
// registry_password_wo_version version.
func writeOnly(attrs map[string]string, password string, version int) map[string]string {
	return with(attrs, "registry_password", "", "registry_password_wo", strconv.Quote(password), "registry_password_wo_version", strconv.Itoa(version))
}

// imageConfig renders a provider block and one ufdl_dockerimage "test" with attrs.
func imageConfig(providerBlock string, attrs map[string]string) string {
	keys := slices.Sorted(maps.Keys(attrs))
	var b strings.Builder
	b.WriteString(providerBlock)
	b.WriteString("resource \"ufdl_dockerimage\" \"test\" {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, attrs[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// imageWrites returns the PUT and PATCH requests the server saw for docker images.
func imageWrites(srv *acctest.Server) []refserver.Request {
	var out []refserver.Request
	for _, r := range srv.Requests() {
		if r.Route == "/v1/docker/{pk}" && (r.Method == "PATCH" || r.Method == "PUT") {
			out = append(out, r)
		}
	}
	return out
}

// expectOneWrite checks that the server saw exactly one write of method since the last
// ResetCalls, and (for PATCH) that its body held exactly the given fields.
func expectOneWrite(srv *acctest.Server, method string, fields ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		writes := imageWrites(srv)
		if len(writes) != 1 || writes[0].Method != method {
			got := make([]string, len(writes))
			for i, w := range writes {
				got[i] = w.Method + " " + string(w.Body)
			}
			return fmt.Errorf("want exactly one %s of the image, server saw %d writes: %v", method, len(writes), got)
		}
		var body map[string]any
		if err := json.Unmarshal(writes[0].Body, &body); err != nil {
			return fmt.Errorf("%s body is not JSON: %v", method, err)
		}
		if method == "PATCH" {
			keys := slices.Sorted(maps.Keys(body))
			sort.Strings(fields)
			if !slices.Equal(keys, fields) {
				return fmt.Errorf("PATCH body has fields %v, want exactly %v", keys, fields)
			}
		} else if len(body) != 13 {
			return fmt.Errorf("PUT body has %d fields, want all 13: %v", len(body), slices.Sorted(maps.Keys(body)))
		}
		return nil
	}
}

// expectServerField checks a field of the managed image as the server holds it (response form).
func expectServerField(srv *acctest.Server, field string, want any) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		pk, err := statePK(s)
		if err != nil {
			return err
		}
		img, err := srv.Image(pk)
		if err != nil {
			return err
		}
		have := img[field]
		if field == "tasks" {
			// A set: the real backend answers its rows in no fixed order.
			have, want = sortedJSONStrings(have), sortedJSONStrings(want)
		}
		got, _ := json.Marshal(have)
		exp, _ := json.Marshal(want)
		if string(got) != string(exp) {
			return fmt.Errorf("server's %s = %s, want %s", field, got, exp)
		}
		return nil
	}
}

// sortedJSONStrings is v, a JSON array of strings or a []string, as a sorted []string; v
// itself when it is neither.
func sortedJSONStrings(v any) any {
	var out []string
	switch l := v.(type) {
	case []string:
		out = slices.Clone(l)
	case []any:
		for _, e := range l {
			s, ok := e.(string)
			if !ok {
				return v
			}
			out = append(out, s)
		}
	default:
		return v
	}
	slices.Sort(out)
	return out
}

func str(v string) knownvalue.Check { return knownvalue.StringExact(v) }

func TestAccDockerImage_gpuLifecycleAndImport(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("gpu")
	attrs := gpuImage(t, srv, name)
	cfg := imageConfig(srv.ProviderConfig(), attrs)
	pkSame := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("pk")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(expectKnownValues(addr, yoloV7Values(t, srv), map[string]knownvalue.Check{
					"name":              str(name),
					"tasks":             knownvalue.SetExact([]knownvalue.Check{str("Train"), str("Predict")}),
					"registry_password": str("s3cret-registry-pw"),
				}),
					pkSame.AddStateValue(addr, tfjsonpath.New("pk")),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("registry_password")),
				),
				Check: resource.ComposeTestCheckFunc(
					expectServerField(srv, "domain", "Object Detection"),
					expectServerField(srv, "name", name),
					func(*terraform.State) error {
						if n := srv.Calls("POST /v1/docker/create"); n != 1 {
							return fmt.Errorf("want exactly 1 create call, got %d", n)
						}
						return nil
					},
				),
			},
			{
				// Import by primary key, every attribute verified; the password is not read.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: importUnread,
				ImportStateCheck:        expectImportedWithoutPassword,
			},
			{
				// Import by name:version.
				ResourceName: addr,
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return name + ":v7_2022-10-08_cuda11.1", nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: importUnread,
				ImportStateCheck:        expectImportedWithoutPassword,
			},
			{
				// The same configuration again: nothing to do, and the pk stays.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{pkSame.AddStateValue(addr, tfjsonpath.New("pk"))},
			},
		},
	})
}

// importUnread are the attributes an import cannot verify: the write-only ones are never
// stored, and an import never reads the server's registry password into state (the
// configuration, which import cannot see, decides whether state holds it).
var importUnread = []string{"registry_password", "registry_password_wo", "registry_password_wo_version"}

// expectImportedWithoutPassword checks that an import left the registry password out of state.
func expectImportedWithoutPassword(states []*terraform.InstanceState) error {
	for _, st := range states {
		if pw, ok := st.Attributes["registry_password"]; ok && pw != "" {
			return fmt.Errorf("import put a registry password into state")
		}
	}
	return nil
}

func TestAccDockerImage_cpuOnly(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("cpu")
	attrs := with(gpuImage(t, srv, name),
		"version", `"v5_2022-11-05_cpu"`,
		"cuda_version", `"0.0"`,
		"cpu", "true",
		"min_hardware_generation", "",
		"registry_username", "",
		"registry_password", "",
		"tasks", `["Predict"]`,
	)
	if acctest.BackendLike() {
		// The real backend refuses null generations even for CPU images: the user is told what to write.
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      imageConfig(srv.ProviderConfig(), attrs),
				ExpectError: regexp.MustCompile(`(?s)requires a hardware generation on every image.*Set\s+min_hardware_generation`),
			}},
		})
		return
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(srv.ProviderConfig(), attrs),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("cpu"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("min_hardware_generation"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_username"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("cuda_full_version"), str("0.0")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("tasks"), knownvalue.SetExact([]knownvalue.Check{str("Predict")})),
			},
			Check: resource.ComposeTestCheckFunc(
				expectServerField(srv, "min_hardware_generation", nil),
				expectServerField(srv, "registry_password", nil),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			ResourceName:      addr,
			ImportState:       true,
			ImportStateVerify: true,
		}},
	})
}

// fieldChange is one in-place update: the attribute, its new HCL value, the API field the
// PATCH must carry, the state value after apply and the server's value (response form).
type fieldChange struct {
	attr, hcl string
	state     knownvalue.Check
	server    any
}

func fieldChanges(name string, otherFramework int64) []fieldChange {
	return []fieldChange{
		{"name", strconv.Quote(name + "-renamed"), str(name + "-renamed"), name + "-renamed"},
		{"version", `"v7_next"`, str("v7_next"), "v7_next"},
		// url and registry_url change one at a time and stay on one registry: the plan refuses a login to another registry than the pull's.
		{"url", `"public.aml-repo.cms.waikato.ac.nz:443/team/yolo:next"`, str("public.aml-repo.cms.waikato.ac.nz:443/team/yolo:next"), "public.aml-repo.cms.waikato.ac.nz:443/team/yolo:next"},
		{"registry_url", `"https://public.aml-repo.cms.waikato.ac.nz:443"`, str("https://public.aml-repo.cms.waikato.ac.nz:443"), "https://public.aml-repo.cms.waikato.ac.nz:443"},
		{"registry_username", `"robot"`, str("robot"), "robot"},
		{"registry_password", `"another-pw"`, str("another-pw"), "another-pw"},
		{"cuda_version", `"11.6"`, str("11.6"), nil},
		{"framework", strconv.FormatInt(otherFramework, 10), knownvalue.Int64Exact(otherFramework), nil},
		{"domain", `"ic"`, str("ic"), "Image Classification"},
		{"tasks", `["Train", "Predict", "Export"]`, knownvalue.SetExact([]knownvalue.Check{str("Train"), str("Predict"), str("Export")}), nil},
		{"min_hardware_generation", `"Volta"`, str("Volta"), nil},
		{"cpu", "true", knownvalue.Bool(true), true},
		{"licence", `"Apache 2.0"`, str("Apache 2.0"), "Apache 2.0"},
	}
}

// updateSteps changes one field per step and checks the plan, the state and the exact write.
func updateSteps(t *testing.T, srv *acctest.Server, providerBlock, name, method string) []resource.TestStep {
	attrs := gpuImage(t, srv, name)
	steps := []resource.TestStep{{Config: imageConfig(providerBlock, attrs)}}
	for _, c := range fieldChanges(name, srv.FrameworkPK(t, "yolo", "v5")) {
		attrs = with(attrs, c.attr, c.hcl)
		checks := []resource.TestCheckFunc{expectOneWrite(srv, method, c.attr)}
		if c.server != nil {
			checks = append(checks, expectServerField(srv, c.attr, c.server))
		}
		steps = append(steps, resource.TestStep{
			PreConfig: srv.ResetCalls,
			Config:    imageConfig(providerBlock, attrs),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New(c.attr), c.state)},
			Check:             resource.ComposeTestCheckFunc(checks...),
		})
	}
	return steps
}

func TestAccDockerImage_updateEachFieldWithPatch(t *testing.T) {
	srv := acctest.NewServer(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    updateSteps(t, srv, srv.ProviderConfig(), acctest.Name("patch"), "PATCH"),
	})
}

func TestAccDockerImage_updateEachFieldWithPut(t *testing.T) {
	srv := acctest.NewServer(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    updateSteps(t, srv, srv.ProviderConfig(`update_method = "put"`), acctest.Name("put"), "PUT"),
	})
}

func TestAccDockerImage_driftIsDetected(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("drift")
	cfg := imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name))
	var pk int64
	outOfBand := func(body map[string]any) func() {
		return func() {
			if err := srv.PatchImage(pk, body); err != nil {
				t.Fatalf("changing image %d behind Terraform's back: %v", pk, err)
			}
		}
	}
	driftStep := func(body map[string]any, attr string, before any) resource.TestStep {
		step := resource.TestStep{
			PreConfig: outOfBand(body),
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectNonEmptyPlan(),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}
		if before != nil {
			step.Check = expectServerField(srv, attr, before)
		}
		return step
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: rememberPK(&pk)},
			driftStep(map[string]any{"url": "evil.example.com/x:1"}, "url", "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"),
			driftStep(map[string]any{"domain": "ic"}, "domain", "Object Detection"),
			driftStep(map[string]any{"tasks": []string{"Predict"}}, "tasks", []string{"Predict", "Train"}),
			driftStep(map[string]any{"registry_password": "changed-elsewhere"}, "registry_password", "s3cret-registry-pw"),
			driftStep(map[string]any{"min_hardware_generation": "Ampere"}, "min_hardware_generation", nil),
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					if err := srv.DeleteImage(pk); err != nil {
						t.Fatalf("deleting image %d behind Terraform's back: %v", pk, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: expectServerField(srv, "name", name),
			},
		},
	})
}

// refusedDestroySteps create the image of cfg, have its destroy refused while the server
// counts a reference to it, and then, the reference gone, expect an empty plan and kept to
// hold: state still holds the image, and the server still has it. *pk is the image's pk from
// the first step on.
func refusedDestroySteps(srv *acctest.Server, cfg string, pk *int64, kept resource.TestCheckFunc) []resource.TestStep {
	return []resource.TestStep{
		{Config: cfg, Check: rememberPK(pk)},
		{
			PreConfig:   func() { srv.Ref.AddReference(*pk) },
			Config:      cfg,
			Destroy:     true,
			ExpectError: regexp.MustCompile(`Docker Image Still Referenced`),
		},
		{
			PreConfig: func() { srv.Ref.RemoveReference(*pk) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: kept,
		},
	}
}

func TestAccDockerImage_referencedImageIsKeptOnDestroy(t *testing.T) {
	srv := acctest.NewServer(t)
	srv.RequireHooks(t, "marks the image as referenced")
	name := acctest.Name("ref")
	var pk int64
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: refusedDestroySteps(srv, imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name)), &pk, resource.ComposeTestCheckFunc(
			// The kept image's name and tasks are untouched.
			expectServerField(srv, "name", name),
			func(*terraform.State) error {
				img, err := srv.Image(pk)
				if err != nil {
					return err
				}
				tasks, _ := json.Marshal(img["tasks"])
				if !strings.Contains(string(tasks), "Train") || !strings.Contains(string(tasks), "Predict") {
					return fmt.Errorf("tasks of the kept image changed: %s", tasks)
				}
				return nil
			},
		)),
	})
}

func TestAccDockerImage_keepOnRefusedDeleteQuirk(t *testing.T) {
	// The real backend answers 204 to a refused delete and keeps the row; the provider must
	// notice by reading back.
	srv := acctest.NewServer(t)
	srv.RequireHooks(t, "marks the image as referenced")
	srv.Ref.SetKeepOnRefusedDelete(true)
	var pk int64
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: refusedDestroySteps(srv, imageConfig(srv.ProviderConfig(), gpuImage(t, srv, acctest.Name("quirk"))), &pk,
			expectServerField(srv, "tasks", []string{"Predict", "Train"})),
	})
}

func TestAccDockerImage_invalidLookupsFailAtPlan(t *testing.T) {
	srv := acctest.NewServer(t)
	base := gpuImage(t, srv, acctest.Name("bad"))
	cases := []struct {
		attr, hcl string
		want      *regexp.Regexp
	}{
		{"domain", `"xx"`, errorText("Unknown Domain", `The server has no domain "xx". Use one of: ic (Image Classification), is (Image Segmentation), od (Object Detection), sc (Spectrum Classification), sp (Speech).`)},
		{"cuda_version", `"99.9"`, errorText("Unknown CUDA Version", `The server has no CUDA version "99.9". Use one of: 0.0,`)},
		{"framework", "999", errorText("Unknown Framework", "The server has no framework 999. Use one of: "+firstFramework(t, srv))},
		{"licence", `"WTFPL"`, errorText("Unknown Licence", `The server has no licence "WTFPL". Use one of: "AGPL3"`)},
		{"min_hardware_generation", `"Blackwell"`, errorText("Unknown Hardware Generation", `The server has no hardware generation "Blackwell". Use one of: Fermi,`)},
		{"tasks", `["Train", "Dance"]`, errorText("Unknown Job Contract", `The server has no job contract "Dance". Use one of: Export, Predict, `, `Train`, `; or create it first: with its resource in this configuration (refer to that resource here), or on the server.`)},
	}
	steps := make([]resource.TestStep, 0, len(cases)+3)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, c.attr, c.hcl)),
			PlanOnly:    true,
			ExpectError: c.want,
		})
	}
	steps = append(steps,
		resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, "min_hardware_generation", "")),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Missing Hardware Generation.*set cpu = true`),
		},
		resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, "registry_url", `"not a url"`)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`registry_url = "not a url" is not a valid address`),
		},
		resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, "version", `" v1 "`)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)version = " v1 " begins or ends with white space.*Write "v1"`),
		},
		resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, "registry_username", `""`)),
			PlanOnly:    true,
			ExpectError: errorText("Empty Value", "registry_username is an empty string. Omit registry_username when the registry needs no login"),
		},
		resource.TestStep{
			Config:      imageConfig(srv.ProviderConfig(), with(base, "name", strconv.Quote(strings.Repeat("n", 65)))),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)UTF-8 character count must be between 1 and 64`),
		},
	)
	acctest.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := srv.Calls("POST /v1/docker/create"); n != 0 {
		t.Errorf("invalid configurations reached the server: %d create calls", n)
	}
}

// firstFramework is how the server's framework with the lowest pk appears in a list of
// choices: "1 (tensorflow 1.14)".
func firstFramework(t *testing.T, srv *acctest.Server) string {
	t.Helper()
	first := srv.Frameworks(t)[0]
	for _, f := range srv.Frameworks(t) {
		if f.PK < first.PK {
			first = f
		}
	}
	return fmt.Sprintf("%d (%s %s)", first.PK, first.Name, first.Version)
}

func TestAccDockerImage_duplicateNameVersion(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("dup")
	srv.CreateImage(t, imageBody(t, srv, name, "v7_2022-10-08_cuda11.1", "a.example.com/x:1", "Train"))
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name)),
			ExpectError: regexp.MustCompile(`(?s)Docker Image Already Exists.*import`),
		}},
	})
	if n := srv.CountImagesNamed(t, name); n != 1 {
		t.Errorf("server holds %d images after the refused duplicate, want 1", n)
	}
}

func TestAccDockerImage_nonAdminGetsPermissionError(t *testing.T) {
	srv := acctest.NewServer(t)
	srv.RequireUser(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      imageConfig(srv.ProviderConfigAs(srv.User, srv.Password), gpuImage(t, srv, acctest.Name("nonadmin"))),
			ExpectError: regexp.MustCompile(`(?s)Permission Denied.*needs an admin \(is_staff\) user`),
		}},
	})
}

func TestAccDockerImage_wrongPasswordGetsLoginError(t *testing.T) {
	srv := acctest.NewServer(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      imageConfig(srv.ProviderConfigAs(srv.AdminUser, "wrong-password"), gpuImage(t, srv, acctest.Name("login"))),
			ExpectError: regexp.MustCompile(`(?s)UFDL Login Failed.*refused to log in user`),
		}},
	})
}

func TestAccDockerImage_writeOnlyPassword(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("wo")
	attrs := writeOnly(gpuImage(t, srv, name), "wo-secret-1", 1)
	acctest.TestFrom(t, tfversion.Version1_11_0,
		resource.TestStep{
			Config: imageConfig(srv.ProviderConfig(), attrs),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password_wo_version"), knownvalue.Int64Exact(1)),
			},
			Check: expectServerField(srv, "registry_password", "wo-secret-1"),
		},
		resource.TestStep{
			// A new secret with the same version is not sent: Terraform cannot see it.
			PreConfig: srv.ResetCalls,
			Config:    imageConfig(srv.ProviderConfig(), with(attrs, "registry_password_wo", `"wo-secret-2"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: expectServerField(srv, "registry_password", "wo-secret-1"),
		},
		resource.TestStep{
			// Bumping the version sends it, in a PATCH of the password alone.
			PreConfig: srv.ResetCalls,
			Config:    imageConfig(srv.ProviderConfig(), with(attrs, "registry_password_wo", `"wo-secret-2"`, "registry_password_wo_version", "2")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(
				expectServerField(srv, "registry_password", "wo-secret-2"),
				expectOneWrite(srv, "PATCH", "registry_password"),
			),
		},
	)
}

// TestAccDockerImage_destroyCalls counts the calls of a destroy: DELETE and a read-back on
// the documented API; on the real backend (which keeps an image that has tasks) the first
// image costs DELETE, read-back, PATCH tasks, DELETE, read-back, and later ones PATCH,
// DELETE, read-back. Read-backs are lists.
func TestAccDockerImage_destroyCalls(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("calls")
	one := func(label, version, dependsOn string) string {
		attrs := with(gpuImage(t, srv, name), "version", strconv.Quote(version))
		var b strings.Builder
		fmt.Fprintf(&b, "resource \"ufdl_dockerimage\" %q {\n", label)
		for _, k := range slices.Sorted(maps.Keys(attrs)) {
			fmt.Fprintf(&b, "  %s = %s\n", k, attrs[k])
		}
		if dependsOn != "" {
			fmt.Fprintf(&b, "  depends_on = [%s]\n", dependsOn)
		}
		return b.String() + "}\n"
	}
	cfg := srv.ProviderConfig() + one("a", "v1", "") + one("b", "v2", "ufdl_dockerimage.a")

	// Read-backs are list calls, one per wave of destroys; on the real backend the first image
	// is deleted twice: before and after its tasks are cleared, which tells the provider to
	// clear them first for the second.
	want := []string{"DELETE", "list", "DELETE", "list"}
	if acctest.BackendLike() {
		want = []string{"DELETE", "list", "PATCH", "DELETE", "list", "PATCH", "DELETE", "list"}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{PreConfig: srv.ResetCalls, Config: cfg, PlanOnly: true},
		},
		CheckDestroy: func(*terraform.State) error {
			var got []string
			for _, r := range srv.Requests() {
				switch {
				case len(got) == 0 && r.Method != "DELETE":
					continue // the refresh before the destroy
				case r.Route == "/v1/docker/{pk}":
					got = append(got, r.Method)
				case r.Route == "/v1/docker/list":
					got = append(got, "list")
				}
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("destroy of two images made %v, want %v", got, want)
			}
			if n := srv.CountImagesNamed(t, name); n != 0 {
				return fmt.Errorf("server still holds %d images", n)
			}
			return nil
		},
	})
}

// TestAccDockerImage_omittedPasswordIsLeftAlone: configurations generated by Terraform or
// written for an import cannot hold the secret; omitting registry_password leaves the
// server's password as it is, and out of state, while a configured one is managed and
// drift-checked.
func TestAccDockerImage_omittedPasswordIsLeftAlone(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("pwleft")
	withPW := gpuImage(t, srv, name)
	withoutPW := with(withPW, "registry_password", "")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: imageConfig(srv.ProviderConfig(), withPW), Check: expectServerField(srv, "registry_password", "s3cret-registry-pw")},
			{
				// The password leaves state, not the server: no write.
				PreConfig: srv.ResetCalls,
				Config:    imageConfig(srv.ProviderConfig(), withoutPW),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// State says that the server holds a password it does not keep: "".
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), str("")),
				},
				Check: resource.ComposeTestCheckFunc(expectServerField(srv, "registry_password", "s3cret-registry-pw"), expectNoImageWrite(srv)),
			},
			{
				Config: imageConfig(srv.ProviderConfig(), with(withPW, "registry_password", `"rotated-pw"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: expectServerField(srv, "registry_password", "rotated-pw"),
			},
		},
	})
}

func TestAccDockerImage_invalidImportIDs(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("imp")
	cfg := imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name))
	step := func(id, want string) resource.TestStep {
		return resource.TestStep{
			Config: cfg, ResourceName: "ufdl_dockerimage.test", ImportState: true, ImportStateId: id,
			ExpectError: regexp.MustCompile(want),
		}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step("abc", `(?s)Invalid Import ID.*"abc" is neither a primary key`),
			step("yolo:", `(?s)Invalid Import ID.*"yolo:" is neither`),
			step("0", `(?s)Invalid Import ID.*"0" is not a primary key: primary keys are whole numbers`),
			step("-4", `(?s)Invalid Import ID.*"-4" is not a primary key`),
			step("nope:v1", `(?s)Docker Image Not Found.*no docker image named "nope" with version "v1"`),
		},
	})
	if n := srv.CountImagesNamed(t, name); n != 0 {
		t.Errorf("failed imports left %d images on the server", n)
	}
}

// expectNoImageWrite checks that the server saw no PUT or PATCH of an image since the last
// ResetCalls.
func expectNoImageWrite(srv *acctest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if writes := imageWrites(srv); len(writes) != 0 {
			return fmt.Errorf("want no write of the image, server saw %d: %s %s", len(writes), writes[0].Method, writes[0].Body)
		}
		return nil
	}
}

// Removing the write-only password from the configuration keeps the password on the server
// (an omitted password is kept), and state holds none: the user did not put it there.
func TestAccDockerImage_removingWriteOnlyPasswordKeepsIt(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("wogone")
	withWO := writeOnly(gpuImage(t, srv, name), "wo-kept-1", 5)
	without := with(withWO, "registry_password_wo", "", "registry_password_wo_version", "")
	acctest.TestFrom(t, tfversion.Version1_11_0,
		resource.TestStep{Config: imageConfig(srv.ProviderConfig(), withWO), Check: expectServerField(srv, "registry_password", "wo-kept-1")},
		resource.TestStep{
			PreConfig: srv.ResetCalls,
			Config:    imageConfig(srv.ProviderConfig(), without),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), str("")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password_wo_version"), knownvalue.Null()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), str("")),
			},
			Check: resource.ComposeTestCheckFunc(expectServerField(srv, "registry_password", "wo-kept-1"), expectNoImageWrite(srv)),
		},
	)
}

// An image without a registry user keeps no password: removing both lines clears both on
// the server, and the plan shows it; a password without a user is refused at validate.
func TestAccDockerImage_removingTheLoginClearsBoth(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("nologin")
	login := gpuImage(t, srv, name)
	noLogin := with(login, "registry_username", "", "registry_password", "")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      imageConfig(srv.ProviderConfig(), with(login, "registry_username", "")),
				PlanOnly:    true,
				ExpectError: errorText("Registry Password Without Username", "registry_password is set but registry_username is not."),
			},
			{Config: imageConfig(srv.ProviderConfig(), login), Check: expectServerField(srv, "registry_password", "s3cret-registry-pw")},
			{
				PreConfig: srv.ResetCalls,
				Config:    imageConfig(srv.ProviderConfig(), noLogin),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("registry_username"), knownvalue.Null()),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("registry_password"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					expectOneWrite(srv, "PATCH", "registry_username", "registry_password"),
					expectServerField(srv, "registry_username", nil),
					expectServerField(srv, "registry_password", nil),
				),
			},
		},
	})
}

// The same with the write-only password: its state holds no password, yet the server's
// is cleared with the username.
func TestAccDockerImage_removingTheLoginClearsTheWriteOnlyPassword(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("nologinwo")
	login := writeOnly(gpuImage(t, srv, name), "wo-secret-9", 1)
	noLogin := with(login, "registry_username", "", "registry_password_wo", "", "registry_password_wo_version", "")
	acctest.TestFrom(t, tfversion.Version1_11_0,
		resource.TestStep{Config: imageConfig(srv.ProviderConfig(), login), Check: expectServerField(srv, "registry_password", "wo-secret-9")},
		resource.TestStep{
			PreConfig: srv.ResetCalls,
			Config:    imageConfig(srv.ProviderConfig(), noLogin),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				expectOneWrite(srv, "PATCH", "registry_username", "registry_password"),
				expectServerField(srv, "registry_password", nil),
			),
		},
	)
}

// Names are limited in characters, as the server counts them, not in bytes.
func TestAccDockerImage_multiByteNames(t *testing.T) {
	srv := acctest.NewServer(t)
	head := "tfacc-ü-" + acctest.RandomSuffix() + "-"
	name := head + strings.Repeat("ä", 64-len([]rune(head)))
	if n := len([]rune(name)); n != 64 {
		t.Fatalf("test name has %d characters, want 64", n)
	}
	attrs := with(gpuImage(t, srv, name), "version", strconv.Quote(strings.Repeat("ö", 32)))
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      imageConfig(srv.ProviderConfig(), with(attrs, "name", strconv.Quote(name+"ä"))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`UTF-8 character count must be between 1 and 64, got: 65`),
			},
			{
				Config: imageConfig(srv.ProviderConfig(), attrs),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), str(name))},
				Check:             expectServerField(srv, "name", name),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importUnread},
		},
	})
}

// An import ID that reads as name:version in two ways is refused with both images named; one
// that reads one way only, or names one image, is imported.
func TestAccDockerImage_importIDWithSeveralColons(t *testing.T) {
	srv := acctest.NewServer(t)
	prefix := acctest.Name("colon")
	create := func(name, version string) int64 {
		return srv.CreateImage(t, imageBody(t, srv, name, version, "r.example.com/x:1", "Train"))
	}
	a := create(prefix, "b:c")
	ab := create(prefix+":b", "c")
	only := create(prefix+"-solo:x", "y")
	cfg := imageConfig(srv.ProviderConfig(), gpuImage(t, srv, prefix+"-cfg"))
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: prefix + ":b:c",
				ExpectError: errorText("Ambiguous Import ID", fmt.Sprintf(`pk %d (name %q, version "b:c") and pk %d (name %q, version "c")`, a, prefix, ab, prefix+":b"),
					"Import the one you mean by its primary key."),
			},
			{
				Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: prefix + "-solo:x:y",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["pk"] != strconv.FormatInt(only, 10) {
						return fmt.Errorf("imported %v, want pk %d", states, only)
					}
					return nil
				},
			},
			{
				Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: prefix + "-none:x:y",
				ExpectError: errorText("Docker Image Not Found", fmt.Sprintf(`read as name %q with version "x:y" or as name %q with version "y"`, prefix+"-none", prefix+"-none:x")),
			},
		},
	})
}

// A registry address may start with an upper-case scheme, as the server accepts it.
func TestAccDockerImage_upperCaseScheme(t *testing.T) {
	srv := acctest.NewServer(t)
	attrs := with(gpuImage(t, srv, acctest.Name("scheme")), "registry_url", `"HTTPS://registry.example.com:5000"`,
		"url", `"registry.example.com:5000/team/yolo:v7"`)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(srv.ProviderConfig(), attrs),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: expectServerField(srv, "registry_url", "HTTPS://registry.example.com:5000"),
		}},
	})
}

// A create whose answer is lost, and whose look-up fails too, may have stored the image:
// the error says so, and the state records the attempt. The next refresh settles it by
// itself: the image this configuration sent is adopted (and, being tainted, replaced by the
// next apply), no import needed, nothing else adopted and nothing left behind.
func TestAccDockerImage_unrecoverableLostCreate(t *testing.T) {
	srv := acctest.NewServer(t)
	srv.RequireHooks(t, "drops the answers of the create and of the look-up after it")
	name := acctest.Name("lost")
	srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/create", Kind: refserver.FaultCommitThenDrop, Times: 1})
	cfg := imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name))
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// The name checks of the two plans (terraform plan, then apply's own) go through;
					// every list after the create is dropped.
					srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultDrop, Skip: 2})
				},
				Config: cfg,
				ExpectError: errorText("UFDL Server Unreachable", "may have stored it", "The state records the attempt",
					"the next terraform plan or apply settles it"),
			},
			{
				PreConfig:    srv.Ref.ClearFaults,
				RefreshState: true,
				// Adopted, and still tainted: the next apply replaces it.
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					pk, err := statePK(s)
					images, lerr := srv.ImagesNamed(name)
					if err != nil || lerr != nil || len(images) != 1 || acctest.PK(images[0]) != pk {
						return fmt.Errorf("refresh adopted pk %d (%v); the server holds %v (%v)", pk, err, images, lerr)
					}
					return nil
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	if n := srv.CountImagesNamed(t, name); n != 0 {
		t.Errorf("server holds %d images named %s after destroy", n, name)
	}
}

// The framework may be written by name and version instead of by pk: both ways import, plan
// empty, and switching from one to the other for the same framework changes nothing.
func TestAccDockerImage_frameworkByName(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("fwname")
	v7, v5 := yoloV7(t, srv), srv.FrameworkPK(t, "yolo", "v5")
	byPK := gpuImage(t, srv, name)
	byName := with(byPK, "framework", "", "framework_name", `"yolo"`, "framework_version", `"v7"`)
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	framework := func(pk int64, version string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("framework"), knownvalue.Int64Exact(pk)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("framework_name"), str("yolo")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("framework_version"), str(version)),
		}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: imageConfig(srv.ProviderConfig(), byName),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// Known at plan: the name and version resolve to a pk on the server.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue(addr, tfjsonpath.New("framework"), knownvalue.Int64Exact(v7))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: framework(v7, "v7"),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importUnread},
			{PreConfig: srv.ResetCalls, Config: imageConfig(srv.ProviderConfig(), byPK), ConfigPlanChecks: empty, Check: expectNoImageWrite(srv)},
			{Config: imageConfig(srv.ProviderConfig(), byName), ConfigPlanChecks: empty},
			{
				// Both ways at once, as generated configurations write them, when they agree.
				Config:           imageConfig(srv.ProviderConfig(), with(byName, "framework", strconv.FormatInt(v7, 10))),
				ConfigPlanChecks: empty,
			},
			{
				Config:   imageConfig(srv.ProviderConfig(), with(byName, "framework_version", `"v9"`)),
				PlanOnly: true,
				// Written by name, the choices are names too.
				ExpectError: errorText("Unknown Framework", `The server has no framework named "yolo" with version "v9". Use one of:`, "yolo v5, yolo v7;"),
			},
			{
				Config:      imageConfig(srv.ProviderConfig(), with(byName, "framework", strconv.FormatInt(v5, 10))),
				PlanOnly:    true,
				ExpectError: errorText("Framework Written Two Ways", fmt.Sprintf("framework = %d, but framework_name and framework_version name yolo v7, which is framework %d", v5, v7)),
			},
			{
				Config:      imageConfig(srv.ProviderConfig(), with(byName, "framework_name", "", "framework_version", "")),
				PlanOnly:    true,
				ExpectError: errorText("Missing Attribute Configuration", "At least one of these attributes must be configured: [framework,framework_name]"),
			},
			{
				Config:      imageConfig(srv.ProviderConfig(), with(byName, "framework_version", "")),
				PlanOnly:    true,
				ExpectError: errorText("Invalid Attribute Combination", `Attribute "framework_version" must be specified when "framework_name" is specified`),
			},
			// The last step's configuration is the one destroyed: a valid one.
			{
				PreConfig: srv.ResetCalls,
				Config:    imageConfig(srv.ProviderConfig(), with(byName, "framework_version", `"v5"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("framework"), knownvalue.Int64Exact(v5)),
					},
				},
				ConfigStateChecks: framework(v5, "v5"),
				Check:             expectOneWrite(srv, "PATCH", "framework"),
			},
		},
	})
}

// TestAccDockerImage_withoutTasksWarns: an image that serves no job contract is never chosen
// for a job; the plan says so, whether tasks is omitted or empty, and only then.
func TestAccDockerImage_withoutTasksWarns(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	base := gpuImage(t, srv, acctest.Name("notasks"))
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		warns bool
	}{
		{"omitted", with(base, "tasks", ""), true},
		{"empty", with(base, "tasks", "[]"), true},
		{"listed", base, false},
	} {
		w := acctest.NewWorkdir(t, imageConfig(cliProviderBlock(srv), tc.attrs))
		out, err := w.Run("plan", "-no-color")
		if err != nil {
			t.Fatalf("%s: plan: %v\n%s", tc.name, err, out)
		}
		if got := strings.Contains(out, "Warning: Docker Image Without Tasks") && strings.Contains(out, "UFDL never chooses it for a job"); got != tc.warns {
			t.Errorf("%s: warned %t, want %t:\n%s", tc.name, got, tc.warns, out)
		}
	}
}

// TestAccDockerImage_sameNameInTwoBlocks: two blocks of one configuration that plan the same
// (name, version) fail at plan, whichever Terraform plans first, and nothing is created. The
// plan book of the provider process finds them (one process plans all blocks of a provider
// configuration); also when one of the two is an image that exists already.
func TestAccDockerImage_sameNameInTwoBlocks(t *testing.T) {
	srv := acctest.NewServer(t)
	attrs := gpuImage(t, srv, acctest.Name("twice"))
	one := imageConfig(srv.ProviderConfig(), attrs)
	two := one + strings.Replace(imageConfig("", with(attrs, "url", `"public.aml-repo.cms.waikato.ac.nz:443/team/other:v1"`)), `"test"`, `"again"`, 1)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: two, PlanOnly: true, ExpectError: errorText("Duplicate Docker Image", "Another resource block of this configuration also plans a docker image named")},
			{Config: one},
			{Config: two, PlanOnly: true, ExpectError: errorText("Duplicate Docker Image", "also plans a docker image named")},
		},
	})
	if n := srv.Calls("POST /v1/docker/create"); n != 1 {
		t.Errorf("%d creates, want the one of the single block", n)
	}
}
