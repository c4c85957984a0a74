// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The data-source tests read the real deployment's sample catalog (samples_test.go): sample
// images are named by name and version, their pks and the frameworks' pks come from the
// server under test.

// errorText matches a diagnostic however Terraform wraps its lines: the parts in order,
// spaces matching any white space.
func errorText(parts ...string) *regexp.Regexp {
	for i, p := range parts {
		parts[i] = loose(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// listBodies returns the bodies of the list calls the server saw since the last reset.
func listBodies(srv *acctest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == "POST" && r.Route == "/v1/docker/list" {
			out = append(out, string(r.Body))
		}
	}
	return out
}

// sameJSON compares two JSON texts by value ("" is no body).
func sameJSON(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

// queryCatalog applies the test's testdata/<test>/main.tf once against srv and checks what
// the data sources read, that a plan right after is empty, and the body of every list call
// they made.
func queryCatalog(t *testing.T, srv *acctest.Server, vars config.Variables, checks []statecheck.StateCheck, bodies ...string) {
	t.Helper()
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:       srv.ResetCalls,
			Config:          srv.ProviderConfig() + acctest.Testdata(t, "main.tf"),
			ConfigVariables: vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
			Check:             expectListBodies(srv, bodies...),
		}},
	})
}

// dockerImages is the address of the ufdl_dockerimages data source named name.
func dockerImages(name string) string { return "data.ufdl_dockerimages." + name }

// expectListBodies checks that every list call since the last reset sent one of want, and
// that each of want was sent: the filter travels to the server, nothing is filtered here.
func expectListBodies(srv *acctest.Server, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := listBodies(srv)
		for _, g := range got {
			if !slices.ContainsFunc(want, func(w string) bool { return sameJSON(g, w) }) {
				return fmt.Errorf("unexpected list body %s", g)
			}
		}
		for _, w := range want {
			if !slices.ContainsFunc(got, func(g string) bool { return sameJSON(g, w) }) {
				return fmt.Errorf("no list call sent %s; bodies sent: %v", w, got)
			}
		}
		return nil
	}
}

func TestAccDockerImagesDataSource_shortcutsAndResultForms(t *testing.T) {
	srv, cat := samplesServer(t)
	yolact, yoloV5, yoloV7 := srv.FrameworkPK(t, "yolact", "2020-02-11"), srv.FrameworkPK(t, "yolo", "v5"), srv.FrameworkPK(t, "yolo", "v7")
	v7 := cat.pk(t, "yolo:v7_2022-10-08_cuda11.1")
	yoloV7Image := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                      str(strconv.FormatInt(v7, 10)),
		"pk":                      knownvalue.Int64Exact(v7),
		"name":                    str("yolo"),
		"version":                 str("v7_2022-10-08_cuda11.1"),
		"url":                     str("public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"),
		"registry_url":            str("public.aml-repo.cms.waikato.ac.nz:443"),
		"registry_username":       str("public"),
		"registry_password":       str("public"),
		"cuda_version":            str("11.1"),
		"cuda_full_version":       str("11.1.0"),
		"framework":               knownvalue.Int64Exact(yoloV7),
		"framework_name":          str("yolo"),
		"framework_version":       str("v7"),
		"domain":                  str("od"),
		"domain_description":      str("Object Detection"),
		"tasks":                   knownvalue.ListExact([]knownvalue.Check{str("Predict"), str("Train")}),
		"min_hardware_generation": str("Pascal"),
		"cpu":                     knownvalue.Bool(false),
		"licence":                 str("GPL3"),
	})
	vars := config.Variables{"yolact_framework": config.IntegerVariable(yolact), "yolo_v5_framework": config.IntegerVariable(yoloV5)}
	queryCatalog(t, srv, vars, []statecheck.StateCheck{
		cat.expect("data.ufdl_dockerimages.yolo", cat.byPK(t, "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1")...),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.yolo", tfjsonpath.New("images").AtSliceIndex(2), yoloV7Image),
		statecheck.ExpectSensitiveValue("data.ufdl_dockerimages.yolo", tfjsonpath.New("images").AtSliceIndex(2).AtMapKey("registry_password")),
		cat.expect("data.ufdl_dockerimages.yolact", "yolact:2020-02-11"),
		cat.expect("data.ufdl_dockerimages.yolo_v5", cat.byPK(t, "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu")...),
		cat.expect("data.ufdl_dockerimages.objdet", "tf_objdet:1.14.0_2019-08-31"),
		// tasks sorted whatever order the server answers in (the real backend answers by pk).
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.objdet", tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("tasks"),
			knownvalue.ListExact([]knownvalue.Check{str("Export"), str("Predict"), str("Train")})),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.objdet", tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("cuda_full_version"), str("10.0.130")),
		cat.expect("data.ufdl_dockerimages.yolo_cpu_v7", "yolo_cpu:v7_2022-10-08-05_cpu"),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.yolo_cpu_v7", tfjsonpath.New("images").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"min_hardware_generation": knownvalue.Null(),
			"cpu":                     knownvalue.Bool(true),
			"cuda_version":            str("0.0"),
			"framework":               knownvalue.Int64Exact(yoloV7),
			"domain":                  str("od"),
			"licence":                 str("GPL3"),
		})),
		cat.expect("data.ufdl_dockerimages.all", cat.byPK(t, cat.all()...)...),
	},
		`{"expressions":[{"type":"exact","field":"name","value":"yolo"}],"order_by":[`+byPKOrder+`]}`,
		fmt.Sprintf(`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false},
				  {"type":"exact","field":"framework","value":%d},{"type":"exact","field":"tasks__name","value":"Train"},
				  {"type":"exact","field":"licence__name","value":"MIT"}],"order_by":[`+byPKOrder+`]}`, yolact),
		fmt.Sprintf(`{"expressions":[{"type":"exact","field":"framework","value":%d}],"order_by":[`+byPKOrder+`]}`, yoloV5),
		`{"expressions":[{"type":"exact","field":"version","value":"1.14.0_2019-08-31"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"yolo_cpu"},{"type":"exact","field":"version","value":"v7_2022-10-08-05_cpu"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[],"order_by":[`+byPKOrder+`]}`, // data.ufdl_dockerimages.all
	)
}

// byPKOrder is the ordering the provider adds to every query: the real backend has no
// default order.
const byPKOrder = `{"field":"pk","ascending":true}`

func TestAccDockerImagesDataSource_expressionTypes(t *testing.T) {
	srv, cat := samplesServer(t)
	yoloV7 := srv.FrameworkPK(t, "yolo", "v7")
	v7 := cat.pk(t, "yolo:v7_2022-10-08_cuda11.1")
	queryCatalog(t, srv, config.Variables{"yolo_v7_framework": config.IntegerVariable(yoloV7), "yolo_v7_image": config.IntegerVariable(v7)},
		[]statecheck.StateCheck{
			cat.expect(dockerImages("exact_case_insensitive"), cat.byPK(t, "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1")...),
			// Empty results are empty lists, not errors.
			cat.expect(dockerImages("exact_case_sensitive")),
			statecheck.ExpectKnownValue(dockerImages("exact_case_sensitive"), tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
			cat.expect(dockerImages("exact_invert"), cat.byPK(t, "coqui_stt:1.15.2_0.10.0a10_cpu", "coqui_stt:1.3.0_cuda11.0", "coqui_stt:1.4.0_cuda11.6", "mmclassification:0.23.1", "mmclassification:0.25.0", "mmclassification_cpu:0.23.1", "mmclassification_cpu:0.25.0", "mmsegmentation:0.30.0", "pww3_cpu:0.2.12", "tf_imageclass:1.14", "tf_imageclass_cpu:1.14")...),
			cat.expect(dockerImages("exact_bool"), cat.byPK(t, cpuSamples...)...),
			cat.expect(dockerImages("exact_foreign_key"), cat.byPK(t, "yolo:v7_2022-10-08_cuda11.1", "yolo_cpu:v7_2022-10-08-05_cpu")...),
			cat.expect(dockerImages("exact_any_task"), "tf_objdet:1.14.0_2019-08-31"),
			cat.expect(dockerImages("contains_case_insensitive"), cat.byPK(t, cuda11Samples...)...),
			cat.expect(dockerImages("contains_case_sensitive")),
			statecheck.ExpectKnownValue(dockerImages("contains_case_sensitive"), tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
			cat.expect(dockerImages("contains_invert_after_shortcut"), cat.byPK(t, "mmclassification_cpu:0.23.1", "mmclassification_cpu:0.25.0", "pww3_cpu:0.2.12", "tf_imageclass_cpu:1.14")...),
			cat.expect(dockerImages("isnull"), cat.byPK(t, cpuSamples...)...),
			cat.expect(dockerImages("isnull_invert"), cat.byPK(t, cat.allBut(cpuSamples...)...)...),
			cat.expect(dockerImages("compare_number"), cat.byPK(t, cuda11Samples...)...),
			cat.expect(dockerImages("compare_invert"), cat.byPK(t, cat.fromPK(v7)...)...),
			cat.expect(dockerImages("compare_text"), cat.byPK(t, "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1", "yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu")...),
			cat.expect(dockerImages("filters_in_turn"), cat.byPK(t, "tf_imageclass:1.14", "tf_objdet:1.14.0_2019-08-31", "yolact:2020-02-11", "yolact:2020-02-11_slim")...),
		},
		`{"expressions":[{"type":"exact","field":"name","value":"YOLO","case_insensitive":true}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"YOLO"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od","invert":true}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"cpu","value":true}],"order_by":[`+byPKOrder+`]}`,
		fmt.Sprintf(`{"expressions":[{"type":"exact","field":"framework","value":%d}],"order_by":[`+byPKOrder+`]}`, yoloV7),
		`{"expressions":[{"type":"exact","field":"tasks__name","value":"Export"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"contains","field":"url","sub_string":"CUDA11","case_insensitive":true}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"contains","field":"url","sub_string":"CUDA11"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"cpu","value":true},{"type":"contains","field":"version","sub_string":"cpu","invert":true}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"isnull","field":"min_hardware_generation"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"isnull","field":"min_hardware_generation","invert":true}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":">=","value":"11.0"}],"order_by":[`+byPKOrder+`]}`,
		fmt.Sprintf(`{"expressions":[{"type":"compare","field":"pk","operator":"<","value":%d,"invert":true}],"order_by":[`+byPKOrder+`]}`, v7),
		`{"expressions":[{"type":"compare","field":"name","operator":">","value":"yolact"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":"<","value":"10.1"},
				  {"type":"isnull","field":"min_hardware_generation","invert":true}],"order_by":[`+byPKOrder+`]}`,
	)
}

// Sample images by what the expression tests select.
var (
	cpuSamples = []string{"coqui_stt:1.15.2_0.10.0a10_cpu", "mmclassification_cpu:0.23.1", "mmclassification_cpu:0.25.0", "pww3_cpu:0.2.12",
		"tf_imageclass_cpu:1.14", "yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu"}
	cuda11Samples = []string{"coqui_stt:1.3.0_cuda11.0", "coqui_stt:1.4.0_cuda11.6", "mmclassification:0.23.1", "mmclassification:0.25.0",
		"mmsegmentation:0.30.0", "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1"}
)

func TestAccDockerImagesDataSource_nesting(t *testing.T) {
	srv, cat := samplesServer(t)
	queryCatalog(t, srv, nil, []statecheck.StateCheck{
		cat.expect(dockerImages("or_with_and"), cat.byPK(t, "coqui_stt:1.3.0_cuda11.0", "coqui_stt:1.4.0_cuda11.6", "yolact:2020-02-11", "yolact:2020-02-11_slim")...),
		cat.expect(dockerImages("and"), cat.byPK(t, "mmclassification:0.23.1", "mmclassification:0.25.0", "mmsegmentation:0.30.0")...),
		cat.expect(dockerImages("or_of_leaves"), cat.byPK(t, "tf_objdet:1.14.0_2019-08-31", "yolact:2020-02-11", "yolact:2020-02-11_slim")...),
		cat.expect(dockerImages("or_of_ands_with_invert"), cat.byPK(t, "coqui_stt:1.15.2_0.10.0a10_cpu", "mmclassification_cpu:0.23.1", "mmclassification_cpu:0.25.0", "pww3_cpu:0.2.12", "tf_imageclass_cpu:1.14", "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1")...),
		cat.expect(dockerImages("shortcut_then_or"), cat.byPK(t, "mmdetection:2020-03-01", "yolact:2020-02-11_slim", "yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu")...),
		cat.expect(dockerImages("or_of_one"), cat.byPK(t, "yolact:2020-02-11", "yolact:2020-02-11_slim")...),
		cat.expect(dockerImages("and_of_one_in_or"), cat.byPK(t, "pww3_cpu:0.2.12", "tf_objdet:1.14.0_2019-08-31")...),
	},
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"exact","field":"name","value":"yolact"},
				   {"type":"and","sub_expressions":[{"type":"exact","field":"domain__name","value":"sp"},{"type":"isnull","field":"min_hardware_generation","invert":true}]}]}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"and","sub_expressions":[
				   {"type":"contains","field":"name","sub_string":"mm"},
				   {"type":"compare","field":"cuda_version__version","operator":">","value":"11.0"}]}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"exact","field":"tasks__name","value":"Export"},{"type":"exact","field":"licence__name","value":"MIT"}]}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"and","sub_expressions":[{"type":"exact","field":"cpu","value":true},{"type":"exact","field":"domain__name","value":"od","invert":true}]},
				   {"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"contains","field":"version","sub_string":"V5","case_insensitive":true}]}]}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"or","sub_expressions":[
				   {"type":"exact","field":"min_hardware_generation__generation","value":"Turing"},{"type":"isnull","field":"min_hardware_generation"}]}],"order_by":[`+byPKOrder+`]}`,
		// An or or and of one expression is sent as that expression: the server's schema
		// needs two.
		`{"expressions":[{"type":"exact","field":"name","value":"yolact"}],"order_by":[`+byPKOrder+`]}`,
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"exact","field":"tasks__name","value":"Export"},{"type":"exact","field":"domain__name","value":"sc"}]}],"order_by":[`+byPKOrder+`]}`,
	)
}

func TestAccDockerImagesDataSource_ordering(t *testing.T) {
	srv, cat := samplesServer(t)
	// Object-detection images by generation: Pascal, Turing, and the CPU images without one.
	pascal := cat.byPK(t, "mmdetection:2020-03-01_cuda10", "mmdetection:2020-10-11", "tf_objdet:1.14.0_2019-08-31", "yolact:2020-02-11",
		"yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1")
	turing := cat.byPK(t, "mmdetection:2020-03-01", "yolact:2020-02-11_slim")
	none := cat.byPK(t, "yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu")
	queryCatalog(t, srv, nil, []statecheck.StateCheck{
		cat.expect(dockerImages("asc_nulls_last_by_default"), concat(pascal, turing, none)...),
		cat.expect(dockerImages("asc_nulls_first"), concat(none, pascal, turing)...),
		cat.expect(dockerImages("desc_nulls_first_by_default"), concat(none, turing, pascal)...),
		cat.expect(dockerImages("desc_nulls_last"), descNullsLast(reversed(turing), reversed(pascal), reversed(none))...),
		cat.expect(dockerImages("name_desc_version_asc"),
			"yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu",
			"yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1"),
		cat.expect(dockerImages("cuda_desc"), concat(
			cat.byPK(t, "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1"),
			cat.byPK(t, "mmdetection:2020-03-01", "mmdetection:2020-03-01_cuda10", "mmdetection:2020-10-11"),
			cat.byPK(t, "tf_objdet:1.14.0_2019-08-31", "yolact:2020-02-11", "yolact:2020-02-11_slim"))...),
	},
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":true},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":true,"nulls_first":true},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":false},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":false,"nulls_first":false},{"field":"pk","ascending":false}]}`,
		`{"expressions":[{"type":"contains","field":"name","sub_string":"yolo"}],"order_by":[{"field":"name","ascending":false},{"field":"version","ascending":true},`+byPKOrder+`]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false}],"order_by":[{"field":"cuda_version__version","ascending":false},`+byPKOrder+`]}`,
	)
}

func concat(lists ...[]string) []string { return slices.Concat(lists...) }

// descNullsLast is the order of a descending sort with nulls_first = false: nulls last as
// documented, but first on the real backend, which ignores nulls_first = false (the
// provider warns about it).
func descNullsLast(turing, pascal, none []string) []string {
	if acctest.BackendLike() {
		return concat(none, turing, pascal)
	}
	return concat(turing, pascal, none)
}

func reversed(list []string) []string {
	out := slices.Clone(list)
	slices.Reverse(out)
	return out
}

func TestAccDockerImagesDataSource_invalidFiltersFailAtPlan(t *testing.T) {
	srv, _ := samplesServer(t)
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: srv.ProviderConfig() + "data \"ufdl_dockerimages\" \"bad\" {\n" + body + "\n}\n", ExpectError: want}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(`filter {
  exact {
    field = "title"
    value = "yolo"
  }
}`, errorText("Unknown Filter Field", `filter[0].exact: "title" is not a docker image field the server filters on. Write one of: cpu, cuda_version,`, "tasks__name, url, version.")),
			step(`filter {
  exact {
    field = "cpu"
    value = "yes"
  }
}`, errorText("Invalid Filter Value", `filter[0].exact: value "yes" does not fit field "cpu", which holds true or false. Write e.g. value = true.`)),
			step(`filter {
  compare {
    field    = "framework"
    operator = ">"
    value    = "yolo"
  }
}`, errorText("Invalid Filter Value", `filter[0].compare: value "yolo" does not fit field "framework", which holds a primary key (a whole number; to match by name use framework__name).`)),
			step(`filter {
  exact {
    field = "name"
    value = "yolo"
  }
}
filter {
  or {
    exact {
      field = "cpu"
      value = true
    }
    and {
      compare {
        field    = "cuda_version__version"
        operator = "=>"
        value    = "11.0"
      }
    }
  }
}`, errorText("Invalid Filter Operator", `filter[1].or.and[0].compare[0]: operator "=>" is not one of: <, >, <=, >=.`, `Write e.g. operator = ">="`)),
			step(`filter {}`, errorText("Empty Filter Block", "filter[0] holds no expression. Write exactly one of: exact, contains, isnull, compare, and, or inside it")),
			step(`filter {
  exact {
    field = "name"
    value = "yolo"
  }
  contains {
    field      = "url"
    sub_string = "cuda"
  }
}`, errorText("Several Expressions In One Filter Block", "filter[0] holds exact and contains blocks, but a filter block holds exactly one expression.")),
			step(`filter {
  exact {
    field            = "pk"
    value            = 20
    case_insensitive = true
  }
}`, errorText("Case-Insensitive Match On Non-Text Field", `filter[0].exact: field "pk" holds a whole number, and case_insensitive applies to text fields only.`)),
			step(`filter {
  and {
    contains {
      field      = "cpu"
      sub_string = "tr"
    }
  }
}`, errorText("Contains On Non-Text Field", `filter[0].and.contains[0]: field "cpu" holds true or false, and contains searches text only.`)),
			step(`filter {
  or {}
}`, errorText("Empty Filter Block", "filter[0].or holds no expression.")),
			step(`filter {
  isnull {
    invert = true
  }
}`, errorText("Missing Filter Argument", `filter[0].isnull needs field, e.g. field = "name".`)),
			step(`order_by {
  field = "tasks__name"
}`, errorText("Unsortable Order Field", `order_by[0]: images cannot be sorted by "tasks__name", as an image has several of them.`)),
		},
	})
	// Validation stops every one of these before the provider asks the server anything.
	if n := srv.Calls("POST /v1/docker/list"); n != 0 {
		t.Errorf("invalid filters reached the server: %d list calls", n)
	}
}

// TestAccDockerImagesDataSource_oneListCallPerRead runs terraform apply on data sources
// alone, as an ordinary (non-admin) user, where Terraform reads each exactly once, and
// counts the server's list calls.
func TestAccDockerImagesDataSource_oneListCallPerRead(t *testing.T) {
	t.Parallel()
	srv, cat := samplesServer(t)
	srv.RequireUser(t)
	w := acctest.NewWorkdir(t, acctest.Testdata(t, "main.tf"))
	objdet := cat.pk(t, "tf_objdet:1.14.0_2019-08-31")
	env := srv.EnvAs(srv.User, srv.Password, fmt.Sprintf("TF_VAR_tf_objdet_image=%d", objdet))
	srv.ResetCalls()
	out, err := w.RunEnv(env, "apply", "-auto-approve", "-no-color")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if n := srv.Calls("POST /v1/docker/list"); n != 2 {
		t.Errorf("two data sources read once each made %d list calls, want 2", n)
	}
	if n := srv.Calls("GET /v1/docker/{pk}"); n != 0 {
		t.Errorf("data sources made %d GETs of single images, want 0", n)
	}
	if err := expectListBodies(srv,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false},{"type":"exact","field":"tasks__name","value":"Train"},
		  {"type":"or","sub_expressions":[{"type":"exact","field":"min_hardware_generation__generation","value":"Turing"},{"type":"compare","field":"cuda_version__version","operator":">=","value":"11.0"}]}],
		  "order_by":[{"field":"version","ascending":false},`+byPKOrder+`]}`,
		fmt.Sprintf(`{"expressions":[{"type":"exact","field":"pk","value":%d}],"order_by":[]}`, objdet),
	)(nil); err != nil {
		t.Error(err)
	}
	var outputs struct {
		Images struct{ Value []string } `json:"images"`
		Tasks  struct{ Value []string } `json:"tasks"`
	}
	out, err = w.RunEnv(env, "output", "-json")
	if err != nil || json.Unmarshal([]byte(out), &outputs) != nil {
		t.Fatalf("output -json: %v\n%s", err, out)
	}
	// The CUDA 11.1 yolo images and the Turing ones, by version descending.
	want := []string{"yolo:v7_2022-10-08_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v5_2022-05-31_cuda11.1", "mmdetection:2020-03-01", "yolact:2020-02-11_slim"}
	if got := cat.only(outputs.Images.Value); !slices.Equal(got, want) {
		t.Errorf("images = %v, want %v", got, want)
	}
	if got := outputs.Tasks.Value; !slices.Equal(got, []string{"Export", "Predict", "Train"}) {
		t.Errorf("tasks = %v, want Export, Predict, Train", got)
	}
}

// A typo in a shortcut would select nothing, and for_each over an empty result plans to
// destroy: shortcut values are checked against the lookup tables like the resource's.
func TestAccDockerImagesDataSource_shortcutsAreChecked(t *testing.T) {
	srv, _ := samplesServer(t)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: srv.ProviderConfig() + "data \"ufdl_dockerimages\" \"x\" {\n" + body + "\n}\n", ExpectError: errorText(want...)}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(`domain = "Object Detection"`, "Unknown Domain", `The server has no domain "Object Detection". Use one of: ic (Image Classification),`, "sp (Speech)."),
			step(`task = "train"`, "Unknown Job Contract", `The server has no job contract "train". Use one of: Export, Predict, `, `Train`),
			step(`licence = "gpl3"`, "Unknown Licence", `The server has no licence "gpl3". Use one of: "AGPL3",`),
			step(fmt.Sprintf("framework = %d", missingPK), "Unknown Framework", fmt.Sprintf("The server has no framework %d. Use one of:", missingPK), "The ufdl_framework data source"),
		},
	})
	if n := srv.Calls("POST /v1/docker/list"); n != 0 {
		t.Errorf("shortcuts the server does not know reached the image list: %d list calls", n)
	}
}
