// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

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
	// terraform query came with Terraform 1.14; CI runs this on Terraform 1.16. The test
	// drives the CLI itself because it needs -generate-config-out, which query steps lack.
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_14_0))
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
	cli := acctest.NewCLI(t, w, srv.Env())
	cli.Must("query", "-generate-config-out=generated.tf")
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

	if out := cli.Must("apply", "-auto-approve"); !strings.Contains(out, fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", total)) {
		t.Fatalf("apply of the generated configuration:\n%s", out)
	}
	cli.ExpectEmptyPlan("after adopting the catalog")
	if _, after := samplesServer(t); len(after.pks) != total {
		t.Errorf("server holds %d sample images after adoption, want %d", len(after.pks), total)
	}
}

// TestAccListResource_filtersAndIdentity checks, through terraform-plugin-testing's query
// steps, that the list resource takes the data source's filter language, returns the images
// it selects in the order asked for, each with its identity, and names a bad field.
func TestAccListResource_filtersAndIdentity(t *testing.T) {
	srv, cat := samplesServer(t)
	// The three GPU yolo images of the seed, newest version first.
	want := []string{"yolo:v7_2022-10-08_cuda11.1", "yolo:v5_2022-11-05_cuda11.1", "yolo:v5_2022-05-31_cuda11.1"}
	identities := make([]querycheck.QueryResultCheck, 0, len(want))
	for _, nv := range want {
		name, version, _ := strings.Cut(nv, ":")
		identities = append(identities, querycheck.ExpectIdentity("ufdl_dockerimage.yolo_gpu", map[string]knownvalue.Check{
			"pk":      knownvalue.Int64Exact(cat.pk(t, nv)),
			"name":    knownvalue.StringExact(name),
			"version": knownvalue.StringExact(version),
		}))
	}
	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			// terraform query came with Terraform 1.14; CI runs this on Terraform 1.16.
			tfversion.SkipBelow(tfversion.Version1_14_0),
		},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: srv.ProviderConfig()},
			{
				Query:  true,
				Config: acctest.Testdata(t, "yolo_gpu.tfquery.hcl"),
				QueryResultChecks: append(identities,
					querycheck.ExpectLength("ufdl_dockerimage.yolo_gpu", len(want)),
					displayOrder{address: "list.ufdl_dockerimage.yolo_gpu", want: want},
				),
			},
			{
				Query:       true,
				Config:      acctest.Testdata(t, "bad_field.tfquery.hcl"),
				ExpectError: regexp.MustCompile(`"colour"`),
			},
		},
	})
}

// displayOrder checks that the results of one list block come in the order of want, each
// display name starting with its image's name:version.
type displayOrder struct {
	address string
	want    []string
}

func (d displayOrder) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var got []string
	for _, r := range req.Query {
		if r.Address == d.address {
			got = append(got, r.DisplayName)
		}
	}
	if len(got) != len(d.want) {
		resp.Error = fmt.Errorf("%s: %d results %q, want %d starting %q", d.address, len(got), got, len(d.want), d.want)
		return
	}
	for i, w := range d.want {
		if !strings.HasPrefix(got[i], w+" ") {
			resp.Error = fmt.Errorf("%s: results in the order %q, want %q", d.address, got, d.want)
			return
		}
	}
}
