// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"errors"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

// refreshOnlyRuns is how often a drift job runs against one unchanged image. Terraform once
// stored the paths of sensitive attributes in an order that changed from one refresh to the
// next (one chance in two with two such attributes), so one run proves little.
const refreshOnlyRuns = 4

// TestAccRefreshOnlyDriftJobAfterApply runs the scheduled drift job of users,
// `terraform plan -refresh-only -detailed-exitcode`, after an apply that changed nothing
// since: it must exit 0 ("no changes"), every time, in the three ways images hold a registry
// password: written in state, write-only, and checked against a registry at plan.
func TestAccRefreshOnlyDriftJobAfterApply(t *testing.T) {
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_11_0)) // write-only attributes
	t.Parallel()
	srv := acctest.NewServer(t)
	reg := registrytest.StartDistribution(t, true)
	reg.Push(t, "team/yolo:v7", registrytest.DockerImage)
	for _, tc := range []struct {
		name  string
		attrs func(name string) map[string]string
		extra []string // provider settings
	}{
		{"plain password", func(name string) map[string]string { return gpuImage(t, srv, name) }, nil},
		{"write-only password", func(name string) map[string]string {
			return writeOnly(gpuImage(t, srv, name), "wo-"+acctest.RandomSuffix(), 1)
		}, nil},
		{"registry check", func(name string) map[string]string {
			return registryImage(t, srv, name, reg.Host, "team/yolo:v7", reg.User, reg.Password)
		}, []string{`registry_check = "error"`, "registry_check_unchanged = true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name := acctest.Name("drift")
			srv.RemoveAtEnd(t, name)
			w := acctest.NewWorkdir(t, imageConfig(cliProviderBlock(srv, tc.extra...), tc.attrs(name)))
			cli := acctest.NewCLI(t, w, nil)
			cli.Must("apply", "-auto-approve")
			for run := 1; run <= refreshOnlyRuns; run++ {
				out, err := w.Run("plan", "-refresh-only", "-detailed-exitcode", "-no-color")
				var ee *exec.ExitError
				switch {
				case err == nil:
				case errors.As(err, &ee) && ee.ExitCode() == 2:
					t.Fatalf("drift job %d of %d exits 2 (changes) with nothing changed:\n%s", run, refreshOnlyRuns, out)
				default:
					t.Fatalf("drift job %d of %d failed: %v\n%s", run, refreshOnlyRuns, err, out)
				}
			}
			if n := srv.CountImagesNamed(t, name); n != 1 {
				t.Errorf("the server holds %d images named %s, want 1", n, name)
			}
		})
	}
}
