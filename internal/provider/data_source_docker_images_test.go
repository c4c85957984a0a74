package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// The data-source tests read the reference server's 23 sample images. Their pks follow the
// file names in internal/refserver/seed/docker_images (1-based):
//
//	 1 coqui_stt 1.15.2_0.10.0a10_cpu   cpu  sp  Predict        null    MPL 2.0
//	 2 coqui_stt 1.3.0_cuda11.0         11.0 sp  Train          Pascal
//	 3 coqui_stt 1.4.0_cuda11.6         11.6 sp  Train          Pascal
//	 4 mmclassification 0.23.1          11.1 ic  Predict,Train  Pascal  Apache 2.0
//	 5 mmclassification 0.25.0          11.1 ic  Predict,Train  Pascal
//	 6 mmclassification_cpu 0.23.1      cpu  ic  Predict        null
//	 7 mmclassification_cpu 0.25.0      cpu  ic  Predict        null
//	 8 mmdetection 2020-03-01           10.1 od  Predict,Train  Turing
//	 9 mmdetection 2020-03-01_cuda10    10.1 od  Predict,Train  Pascal
//	10 mmdetection 2020-10-11           10.1 od  Predict,Train  Pascal
//	11 mmsegmentation 0.30.0            11.1 is  Predict,Train  Pascal
//	12 pww3_cpu 0.2.12                  cpu  sc  Predict,Train  null    GPL3
//	13 tf_imageclass 1.14               10.0 ic  Predict,Train  Pascal
//	14 tf_imageclass_cpu 1.14           cpu  ic  Predict,Train  null
//	15 tf_objdet 1.14.0_2019-08-31      10.0 od  Export,Predict,Train Pascal
//	16 yolact 2020-02-11                10.0 od  Predict,Train  Pascal  MIT
//	17 yolact 2020-02-11_slim           10.0 od  Predict,Train  Turing  MIT
//	18 yolo v5_2022-05-31_cuda11.1      11.1 od  Predict,Train  Pascal  GPL3  (framework 17, yolo v5)
//	19 yolo v5_2022-11-05_cuda11.1      11.1 od  Predict,Train  Pascal  GPL3  (framework 17)
//	20 yolo v7_2022-10-08_cuda11.1      11.1 od  Predict,Train  Pascal  GPL3  (framework 18, yolo v7)
//	21 yolo_cpu v5_2022-01-21_cpu       cpu  od  Predict,Train  null    GPL3  (framework 17)
//	22 yolo_cpu v5_2022-11-05_cpu       cpu  od  Predict,Train  null    GPL3  (framework 17)
//	23 yolo_cpu v7_2022-10-08-05_cpu    cpu  od  Predict,Train  null    GPL3  (framework 18)
//
// "cpu" images have cuda_version 0.0 and cpu = true.

// samplesServer starts a reference server holding the sample catalog.
func samplesServer(t *testing.T) *acctest.Server {
	t.Helper()
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Samples = true })
	srv.RequireHooks(t, "reads the seeded sample catalog by pk")
	return srv
}

// expectPKs checks the pks of a ufdl_dockerimages result, in order.
func expectPKs(addr string, pks ...int64) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(pks))
	for i, pk := range pks {
		checks[i] = knownvalue.Int64Exact(pk)
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("pks"), knownvalue.ListExact(checks))
}

// expectNameVersions checks images[*].name and version of a ufdl_dockerimages result, in order.
func expectNameVersions(addr string, nameVersions ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(nameVersions))
	for i, nv := range nameVersions {
		name, version, _ := strings.Cut(nv, ":")
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"name": knownvalue.StringExact(name), "version": knownvalue.StringExact(version),
		})
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("images"), knownvalue.ListExact(checks))
}

// errorText matches a diagnostic however Terraform wraps its lines: the parts in order,
// spaces matching any white space.
func errorText(parts ...string) *regexp.Regexp {
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// listBodies returns the bodies of the list calls the server saw since the last reset.
func listBodies(srv *acctest.Server) []string {
	var out []string
	for _, r := range srv.Ref.Requests() {
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

// queryCatalog applies cfg once against srv and checks what the data sources read, that a
// plan right after is empty, and the body of every list call they made, in order.
func queryCatalog(t *testing.T, srv *acctest.Server, cfg string, checks []statecheck.StateCheck, bodies ...string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.Ref.ResetCalls,
			Config:    cfg,
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
	srv := samplesServer(t)
	cfg := srv.ProviderConfig() + `
data "ufdl_dockerimages" "yolo" {
  name = "yolo"
}
data "ufdl_dockerimages" "yolact" {
  domain    = "od"
  cpu       = false
  framework = 15
  task      = "Train"
  licence   = "MIT"
}
data "ufdl_dockerimages" "yolo_v5" {
  framework = 17
}
data "ufdl_dockerimages" "objdet" {
  version = "1.14.0_2019-08-31"
}
data "ufdl_dockerimages" "yolo_cpu_v7" {
  name    = "yolo_cpu"
  version = "v7_2022-10-08-05_cpu"
}
data "ufdl_dockerimages" "all" {}
`
	yoloV7Image := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                      str("20"),
		"pk":                      knownvalue.Int64Exact(20),
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
	allPKs := make([]int64, 23)
	for i := range allPKs {
		allPKs[i] = int64(i + 1)
	}
	queryCatalog(t, srv, cfg, []statecheck.StateCheck{
		expectPKs("data.ufdl_dockerimages.yolo", 18, 19, 20),
		expectNameVersions("data.ufdl_dockerimages.yolo", "yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1"),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.yolo", tfjsonpath.New("images").AtSliceIndex(2), yoloV7Image),
		statecheck.ExpectSensitiveValue("data.ufdl_dockerimages.yolo", tfjsonpath.New("images").AtSliceIndex(2).AtMapKey("registry_password")),
		expectPKs("data.ufdl_dockerimages.yolact", 16),
		expectNameVersions("data.ufdl_dockerimages.yolact", "yolact:2020-02-11"),
		expectPKs("data.ufdl_dockerimages.yolo_v5", 18, 19, 21, 22),
		expectPKs("data.ufdl_dockerimages.objdet", 15),
		// tasks sorted whatever order the server answers in (the ufdl-backend profile answers by pk).
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.objdet", tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("tasks"),
			knownvalue.ListExact([]knownvalue.Check{str("Export"), str("Predict"), str("Train")})),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.objdet", tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("cuda_full_version"), str("10.0.130")),
		expectPKs("data.ufdl_dockerimages.yolo_cpu_v7", 23),
		statecheck.ExpectKnownValue("data.ufdl_dockerimages.yolo_cpu_v7", tfjsonpath.New("images").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"min_hardware_generation": knownvalue.Null(),
			"cpu":                     knownvalue.Bool(true),
			"cuda_version":            str("0.0"),
			"framework":               knownvalue.Int64Exact(yoloV7),
			"domain":                  str("od"),
			"licence":                 str("GPL3"),
		})),
		expectPKs("data.ufdl_dockerimages.all", allPKs...),
	},
		`{"expressions":[{"type":"exact","field":"name","value":"yolo"}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false},
				  {"type":"exact","field":"framework","value":15},{"type":"exact","field":"tasks__name","value":"Train"},
				  {"type":"exact","field":"licence__name","value":"MIT"}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"framework","value":17}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"version","value":"1.14.0_2019-08-31"}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"yolo_cpu"},{"type":"exact","field":"version","value":"v7_2022-10-08-05_cpu"}],"order_by":[]}`,
		"", // data.ufdl_dockerimages.all sends no body
	)
}

func TestAccDockerImagesDataSource_expressionTypes(t *testing.T) {
	srv := samplesServer(t)
	cfg := srv.ProviderConfig() + `
data "ufdl_dockerimages" "exact_case_insensitive" {
  filter {
    exact {
      field            = "name"
      value            = "YOLO"
      case_insensitive = true
    }
  }
}
data "ufdl_dockerimages" "exact_case_sensitive" {
  filter {
    exact {
      field = "name"
      value = "YOLO"
    }
  }
}
data "ufdl_dockerimages" "exact_invert" {
  filter {
    exact {
      field  = "domain__name"
      value  = "od"
      invert = true
    }
  }
}
data "ufdl_dockerimages" "exact_bool" {
  filter {
    exact {
      field = "cpu"
      value = true
    }
  }
}
data "ufdl_dockerimages" "exact_foreign_key" {
  filter {
    exact {
      field = "framework"
      value = 18
    }
  }
}
data "ufdl_dockerimages" "exact_any_task" {
  filter {
    exact {
      field = "tasks__name"
      value = "Export"
    }
  }
}
data "ufdl_dockerimages" "contains_case_insensitive" {
  filter {
    contains {
      field            = "url"
      sub_string       = "CUDA11"
      case_insensitive = true
    }
  }
}
data "ufdl_dockerimages" "contains_case_sensitive" {
  filter {
    contains {
      field      = "url"
      sub_string = "CUDA11"
    }
  }
}
data "ufdl_dockerimages" "contains_invert_after_shortcut" {
  cpu = true
  filter {
    contains {
      field      = "version"
      sub_string = "cpu"
      invert     = true
    }
  }
}
data "ufdl_dockerimages" "isnull" {
  filter {
    isnull {
      field = "min_hardware_generation"
    }
  }
}
data "ufdl_dockerimages" "isnull_invert" {
  filter {
    isnull {
      field  = "min_hardware_generation"
      invert = true
    }
  }
}
data "ufdl_dockerimages" "compare_number" {
  filter {
    compare {
      field    = "cuda_version__version"
      operator = ">="
      value    = "11.0"
    }
  }
}
data "ufdl_dockerimages" "compare_invert" {
  filter {
    compare {
      field    = "pk"
      operator = "<"
      value    = 20
      invert   = true
    }
  }
}
data "ufdl_dockerimages" "compare_text" {
  filter {
    compare {
      field    = "name"
      operator = ">"
      value    = "yolact"
    }
  }
}
data "ufdl_dockerimages" "filters_in_turn" {
  filter {
    compare {
      field    = "cuda_version__version"
      operator = "<"
      value    = "10.1"
    }
  }
  filter {
    isnull {
      field  = "min_hardware_generation"
      invert = true
    }
  }
}
`
	queryCatalog(t, srv, cfg, []statecheck.StateCheck{
		expectPKs(dockerImages("exact_case_insensitive"), 18, 19, 20),
		// Empty results are empty lists, not errors.
		expectPKs(dockerImages("exact_case_sensitive")),
		statecheck.ExpectKnownValue(dockerImages("exact_case_sensitive"), tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
		expectPKs(dockerImages("exact_invert"), 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14),
		expectPKs(dockerImages("exact_bool"), 1, 6, 7, 12, 14, 21, 22, 23),
		expectPKs(dockerImages("exact_foreign_key"), 20, 23),
		expectNameVersions(dockerImages("exact_foreign_key"), "yolo:v7_2022-10-08_cuda11.1", "yolo_cpu:v7_2022-10-08-05_cpu"),
		expectPKs(dockerImages("exact_any_task"), 15),
		expectPKs(dockerImages("contains_case_insensitive"), 2, 3, 4, 5, 11, 18, 19, 20),
		expectPKs(dockerImages("contains_case_sensitive")),
		statecheck.ExpectKnownValue(dockerImages("contains_case_sensitive"), tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
		expectPKs(dockerImages("contains_invert_after_shortcut"), 6, 7, 12, 14),
		expectNameVersions(dockerImages("contains_invert_after_shortcut"), "mmclassification_cpu:0.23.1", "mmclassification_cpu:0.25.0", "pww3_cpu:0.2.12", "tf_imageclass_cpu:1.14"),
		expectPKs(dockerImages("isnull"), 1, 6, 7, 12, 14, 21, 22, 23),
		expectPKs(dockerImages("isnull_invert"), 2, 3, 4, 5, 8, 9, 10, 11, 13, 15, 16, 17, 18, 19, 20),
		expectPKs(dockerImages("compare_number"), 2, 3, 4, 5, 11, 18, 19, 20),
		expectPKs(dockerImages("compare_invert"), 20, 21, 22, 23),
		expectPKs(dockerImages("compare_text"), 18, 19, 20, 21, 22, 23),
		expectPKs(dockerImages("filters_in_turn"), 13, 15, 16, 17),
	},
		`{"expressions":[{"type":"exact","field":"name","value":"YOLO","case_insensitive":true}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"YOLO"}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od","invert":true}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"cpu","value":true}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"framework","value":18}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"tasks__name","value":"Export"}],"order_by":[]}`,
		`{"expressions":[{"type":"contains","field":"url","sub_string":"CUDA11","case_insensitive":true}],"order_by":[]}`,
		`{"expressions":[{"type":"contains","field":"url","sub_string":"CUDA11"}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"cpu","value":true},{"type":"contains","field":"version","sub_string":"cpu","invert":true}],"order_by":[]}`,
		`{"expressions":[{"type":"isnull","field":"min_hardware_generation"}],"order_by":[]}`,
		`{"expressions":[{"type":"isnull","field":"min_hardware_generation","invert":true}],"order_by":[]}`,
		`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":">=","value":"11.0"}],"order_by":[]}`,
		`{"expressions":[{"type":"compare","field":"pk","operator":"<","value":20,"invert":true}],"order_by":[]}`,
		`{"expressions":[{"type":"compare","field":"name","operator":">","value":"yolact"}],"order_by":[]}`,
		`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":"<","value":"10.1"},
				  {"type":"isnull","field":"min_hardware_generation","invert":true}],"order_by":[]}`,
	)
}

func TestAccDockerImagesDataSource_nesting(t *testing.T) {
	srv := samplesServer(t)
	cfg := srv.ProviderConfig() + `
data "ufdl_dockerimages" "or_with_and" {
  filter {
    or {
      exact {
        field = "name"
        value = "yolact"
      }
      and {
        exact {
          field = "domain__name"
          value = "sp"
        }
        isnull {
          field  = "min_hardware_generation"
          invert = true
        }
      }
    }
  }
}
data "ufdl_dockerimages" "and" {
  filter {
    and {
      contains {
        field      = "name"
        sub_string = "mm"
      }
      compare {
        field    = "cuda_version__version"
        operator = ">"
        value    = "11.0"
      }
    }
  }
}
data "ufdl_dockerimages" "or_of_leaves" {
  filter {
    or {
      exact {
        field = "tasks__name"
        value = "Export"
      }
      exact {
        field = "licence__name"
        value = "MIT"
      }
    }
  }
}
data "ufdl_dockerimages" "or_of_ands_with_invert" {
  filter {
    or {
      and {
        exact {
          field = "cpu"
          value = true
        }
        exact {
          field  = "domain__name"
          value  = "od"
          invert = true
        }
      }
      and {
        exact {
          field = "name"
          value = "yolo"
        }
        contains {
          field      = "version"
          sub_string = "V5"
          case_insensitive = true
        }
      }
    }
  }
}
data "ufdl_dockerimages" "shortcut_then_or" {
  domain = "od"
  filter {
    or {
      isnull {
        field = "min_hardware_generation"
      }
      exact {
        field = "min_hardware_generation__generation"
        value = "Turing"
      }
    }
  }
}
`
	queryCatalog(t, srv, cfg, []statecheck.StateCheck{
		expectPKs(dockerImages("or_with_and"), 2, 3, 16, 17),
		expectNameVersions(dockerImages("or_with_and"), "coqui_stt:1.3.0_cuda11.0", "coqui_stt:1.4.0_cuda11.6", "yolact:2020-02-11", "yolact:2020-02-11_slim"),
		expectPKs(dockerImages("and"), 4, 5, 11),
		expectPKs(dockerImages("or_of_leaves"), 15, 16, 17),
		expectPKs(dockerImages("or_of_ands_with_invert"), 1, 6, 7, 12, 14, 18, 19),
		expectPKs(dockerImages("shortcut_then_or"), 8, 17, 21, 22, 23),
	},
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"exact","field":"name","value":"yolact"},
				   {"type":"and","sub_expressions":[{"type":"exact","field":"domain__name","value":"sp"},{"type":"isnull","field":"min_hardware_generation","invert":true}]}]}],"order_by":[]}`,
		`{"expressions":[{"type":"and","sub_expressions":[
				   {"type":"contains","field":"name","sub_string":"mm"},
				   {"type":"compare","field":"cuda_version__version","operator":">","value":"11.0"}]}],"order_by":[]}`,
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"exact","field":"tasks__name","value":"Export"},{"type":"exact","field":"licence__name","value":"MIT"}]}],"order_by":[]}`,
		`{"expressions":[{"type":"or","sub_expressions":[
				   {"type":"and","sub_expressions":[{"type":"exact","field":"cpu","value":true},{"type":"exact","field":"domain__name","value":"od","invert":true}]},
				   {"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"contains","field":"version","sub_string":"V5","case_insensitive":true}]}]}],"order_by":[]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"or","sub_expressions":[
				   {"type":"exact","field":"min_hardware_generation__generation","value":"Turing"},{"type":"isnull","field":"min_hardware_generation"}]}],"order_by":[]}`,
	)
}

func TestAccDockerImagesDataSource_ordering(t *testing.T) {
	srv := samplesServer(t)
	// Object-detection images: 8 and 17 are Turing, 21-23 (CPU) have no generation, the rest Pascal.
	orderedOD := func(name, gen string, pkAscending bool) string {
		return fmt.Sprintf(`
data "ufdl_dockerimages" %q {
  domain = "od"
  order_by {
    field = "min_hardware_generation__generation"
    %s
  }
  order_by {
    field     = "pk"
    ascending = %t
  }
}
`, name, gen, pkAscending)
	}
	cfg := srv.ProviderConfig() +
		orderedOD("asc_nulls_last_by_default", "", true) +
		orderedOD("asc_nulls_first", "nulls_first = true", true) +
		orderedOD("desc_nulls_first_by_default", "ascending = false", true) +
		orderedOD("desc_nulls_last", "ascending = false\n    nulls_first = false", false) + `
data "ufdl_dockerimages" "name_desc_version_asc" {
  filter {
    contains {
      field      = "name"
      sub_string = "yolo"
    }
  }
  order_by {
    field     = "name"
    ascending = false
  }
  order_by {
    field = "version"
  }
}
data "ufdl_dockerimages" "cuda_desc" {
  domain = "od"
  cpu    = false
  order_by {
    field     = "cuda_version__version"
    ascending = false
  }
}
`
	queryCatalog(t, srv, cfg, []statecheck.StateCheck{
		expectPKs(dockerImages("asc_nulls_last_by_default"), 9, 10, 15, 16, 18, 19, 20, 8, 17, 21, 22, 23),
		expectPKs(dockerImages("asc_nulls_first"), 21, 22, 23, 9, 10, 15, 16, 18, 19, 20, 8, 17),
		expectPKs(dockerImages("desc_nulls_first_by_default"), 21, 22, 23, 8, 17, 9, 10, 15, 16, 18, 19, 20),
		expectPKs(dockerImages("desc_nulls_last"), 17, 8, 20, 19, 18, 16, 15, 10, 9, 23, 22, 21),
		expectNameVersions(dockerImages("name_desc_version_asc"),
			"yolo_cpu:v5_2022-01-21_cpu", "yolo_cpu:v5_2022-11-05_cpu", "yolo_cpu:v7_2022-10-08-05_cpu",
			"yolo:v5_2022-05-31_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v7_2022-10-08_cuda11.1"),
		expectPKs(dockerImages("name_desc_version_asc"), 21, 22, 23, 18, 19, 20),
		expectPKs(dockerImages("cuda_desc"), 18, 19, 20, 8, 9, 10, 15, 16, 17),
	},
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":true},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":true,"nulls_first":true},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":false},{"field":"pk","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"}],"order_by":[
				   {"field":"min_hardware_generation__generation","ascending":false,"nulls_first":false},{"field":"pk","ascending":false}]}`,
		`{"expressions":[{"type":"contains","field":"name","sub_string":"yolo"}],"order_by":[{"field":"name","ascending":false},{"field":"version","ascending":true}]}`,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false}],"order_by":[{"field":"cuda_version__version","ascending":false}]}`,
	)
}

func TestAccDockerImagesDataSource_invalidFiltersFailAtPlan(t *testing.T) {
	srv := samplesServer(t)
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: srv.ProviderConfig() + "data \"ufdl_dockerimages\" \"bad\" {\n" + body + "\n}\n", ExpectError: want}
	}
	resource.ParallelTest(t, resource.TestCase{
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
}`, errorText("Unknown Order Field", `order_by[0]: images cannot be sorted by "tasks__name", as an image has several of them.`)),
		},
	})
	// Validation stops every one of these before the provider asks the server anything.
	if n := srv.Ref.Calls("POST /v1/docker/list"); n != 0 {
		t.Errorf("invalid filters reached the server: %d list calls", n)
	}
}

// TestAccDockerImagesDataSource_oneListCallPerRead runs terraform plan on data sources alone,
// where Terraform reads each exactly once, and counts the server's list calls.
func TestAccDockerImagesDataSource_oneListCallPerRead(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	srv := samplesServer(t)
	w := acctest.NewWorkdir(t, `
terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}
provider "ufdl" {}
data "ufdl_dockerimages" "gpu_od_trainers" {
  domain = "od"
  cpu    = false
  task   = "Train"
  filter {
    or {
      compare {
        field    = "cuda_version__version"
        operator = ">="
        value    = "11.0"
      }
      exact {
        field = "min_hardware_generation__generation"
        value = "Turing"
      }
    }
  }
  order_by {
    field     = "version"
    ascending = false
  }
}
data "ufdl_dockerimage" "by_pk" {
  pk = 15
}
output "pks" {
  value = data.ufdl_dockerimages.gpu_od_trainers.pks
}
output "tasks" {
  value = data.ufdl_dockerimage.by_pk.tasks
}
`)
	env := []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.User, "UFDL_PASSWORD=" + srv.Password}
	srv.Ref.ResetCalls()
	out, err := w.RunEnv(env, "plan", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	// 18-20 (CUDA 11.1) and 8, 17 (Turing), by version descending.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`\+ pks\s+= \[\s+\+ 20,\s+\+ 19,\s+\+ 18,\s+\+ 8,\s+\+ 17,\s+\]`),
		regexp.MustCompile(`\+ tasks\s+= \[\s+\+ "Export",\s+\+ "Predict",\s+\+ "Train",\s+\]`),
	} {
		if !want.MatchString(out) {
			t.Errorf("plan output does not match %s:\n%s", want, out)
		}
	}
	if n := srv.Ref.Calls("POST /v1/docker/list"); n != 2 {
		t.Errorf("two data sources read once each made %d list calls, want 2", n)
	}
	if n := srv.Ref.Calls("GET /v1/docker/{pk}"); n != 0 {
		t.Errorf("data sources made %d GETs of single images, want 0", n)
	}
	if err := expectListBodies(srv,
		`{"expressions":[{"type":"exact","field":"domain__name","value":"od"},{"type":"exact","field":"cpu","value":false},{"type":"exact","field":"tasks__name","value":"Train"},
		  {"type":"or","sub_expressions":[{"type":"exact","field":"min_hardware_generation__generation","value":"Turing"},{"type":"compare","field":"cuda_version__version","operator":">=","value":"11.0"}]}],
		  "order_by":[{"field":"version","ascending":false}]}`,
		`{"expressions":[{"type":"exact","field":"pk","value":15}],"order_by":[]}`,
	)(nil); err != nil {
		t.Error(err)
	}
}
