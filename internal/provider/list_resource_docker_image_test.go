package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

const queryProviderBlock = `terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}
provider "ufdl" {}
`

// TestAccListResource_adoptTheCatalog seeds the reference server with the 23 images of the
// real deployment, runs terraform query to generate their configuration and import blocks,
// applies it, and expects every image imported and then an empty plan.
func TestAccListResource_adoptTheCatalog(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if !acctest.CLIAtLeast(t, 1, 14) || strings.Contains(acctest.TerraformBinary(), "tofu") {
		t.Skip("terraform query needs Terraform 1.14 or later; CI runs this on Terraform 1.16")
	}
	t.Parallel()
	srv, cat := samplesServer(t)
	total := len(cat.pks)

	w := acctest.NewWorkdir(t, queryProviderBlock)
	// Everything but what other tests make at the same time on a shared server.
	query := `list "ufdl_dockerimage" "catalog" {
  provider         = ufdl
  include_resource = true
  config {
    filter {
      contains {
        field      = "name"
        sub_string = "tfacc-"
        invert     = true
      }
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(w.Dir, "catalog.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword}
	out, err := w.RunEnv(env, "query", "-generate-config-out=generated.tf", "-no-color")
	if err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	gen, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(gen), "\nimport {"); n != total {
		t.Fatalf("generated %d import blocks, want %d:\n%s", n, total, gen)
	}
	if !strings.Contains(string(gen), `name                    = "yolo"`) && !regexp.MustCompile(`name\s+=\s+"yolo"`).Match(gen) {
		t.Errorf("generated configuration lacks the yolo images:\n%s", gen)
	}

	out, err = w.RunEnv(env, "apply", "-auto-approve", "-no-color")
	if err != nil || !strings.Contains(out, fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", total)) {
		t.Fatalf("apply of the generated configuration: %v\n%s", err, out)
	}
	if out, err := w.RunEnv(env, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Errorf("plan after adopting the catalog is not empty: %v\n%s", err, out)
	}
	if _, after := samplesServer(t); len(after.pks) != total {
		t.Errorf("server holds %d sample images after adoption, want %d", len(after.pks), total)
	}
}

// TestAccListResource_filtersAndIdentity checks that the list resource takes the data
// source's filter language and returns identities.
func TestAccListResource_filtersAndIdentity(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if !acctest.CLIAtLeast(t, 1, 14) || strings.Contains(acctest.TerraformBinary(), "tofu") {
		t.Skip("terraform query needs Terraform 1.14 or later; CI runs this on Terraform 1.16")
	}
	t.Parallel()
	srv, _ := samplesServer(t)
	w := acctest.NewWorkdir(t, queryProviderBlock)
	query := `list "ufdl_dockerimage" "yolo_gpu" {
  provider = ufdl
  config {
    cpu = false
    filter {
      contains {
        field      = "name"
        sub_string = "YOLO"
        case_insensitive = true
      }
    }
    order_by {
      field     = "version"
      ascending = false
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(w.Dir, "q.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword}
	out, err := w.RunEnv(env, "query", "-no-color")
	if err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	// The three GPU yolo images of the seed, newest version first.
	want := []string{"yolo:v7_2022-10-08_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v5_2022-05-31_cuda11.1"}
	last := -1
	for _, w := range want {
		i := strings.Index(out, w)
		if i < 0 || i < last {
			t.Fatalf("query output lacks %q or has it out of order:\n%s", w, out)
		}
		last = i
	}
	if strings.Contains(out, "yolo_cpu") {
		t.Errorf("cpu = false did not exclude the CPU images:\n%s", out)
	}

	bad := `list "ufdl_dockerimage" "bad" {
  provider = ufdl
  config {
    filter {
      exact {
        field = "colour"
        value = "red"
      }
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(w.Dir, "q.tfquery.hcl"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := w.RunEnv(env, "query", "-no-color"); err == nil || !strings.Contains(out, `"colour"`) {
		t.Errorf("an unknown filter field must fail, naming it: %v\n%s", err, out)
	}
}
