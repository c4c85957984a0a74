// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Test runs an acceptance test case in parallel with the others. It runs under plain
// `go test` (resource.UnitTest, as the random and time providers do): everything it needs,
// the reference server included, lives in the test process, and the CLI is the one on PATH
// or in TF_ACC_TERRAFORM_PATH. Tests against an external deployment keep their explicit
// switch (UFDL_ACC_EXTERNAL).
func Test(t *testing.T, tc resource.TestCase) {
	t.Helper()
	t.Parallel()
	quietCLI()
	resource.UnitTest(t, tc)
}

// TestFrom runs steps with the in-process provider on Terraform (or OpenTofu) v and later;
// an older CLI skips them.
func TestFrom(t *testing.T, v *version.Version, steps ...resource.TestStep) {
	t.Helper()
	Test(t, resource.TestCase{
		ProtoV6ProviderFactories: ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(v)},
		Steps:                    steps,
	})
}

var quietOnce sync.Once

// quietCLI stops the CLI from calling home for version news, which offline only costs time.
func quietCLI() {
	quietOnce.Do(func() {
		if os.Getenv("CHECKPOINT_DISABLE") == "" {
			_ = os.Setenv("CHECKPOINT_DISABLE", "1")
		}
	})
}

var (
	cliVersionOnce sync.Once
	cliVersion     *version.Version
	cliVersionErr  error
)

// CLIVersion is the version of the CLI the tests run, read once per test process.
func CLIVersion() (*version.Version, error) {
	cliVersionOnce.Do(func() {
		out, err := exec.Command(TerraformBinary(), "version", "-json").Output()
		if err != nil {
			cliVersionErr = fmt.Errorf("%s version -json: %w", TerraformBinary(), err)
			return
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			cliVersionErr = fmt.Errorf("%s version -json: %w", TerraformBinary(), err)
			return
		}
		cliVersion, cliVersionErr = version.NewVersion(v.Version)
	})
	return cliVersion, cliVersionErr
}

// CheckCLI applies terraform-plugin-testing's version checks (tfversion.SkipBelow and the
// rest) to a test that drives the CLI itself, so both kinds of test say "needs Terraform
// 1.12" the same way. OpenTofu's version numbers are compared as they are: OpenTofu 1.12
// has what Terraform 1.12 has here.
func CheckCLI(t *testing.T, checks ...tfversion.TerraformVersionCheck) {
	t.Helper()
	if why := CLISkips(t, checks...); why != "" {
		t.Skip(why)
	}
}

// CLISkips returns why the checks would skip a test with the CLI the tests run, or "" when
// the CLI passes them all, for tests that skip one part rather than the whole test.
func CLISkips(t *testing.T, checks ...tfversion.TerraformVersionCheck) string {
	t.Helper()
	v, err := CLIVersion()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		var resp tfversion.CheckTerraformVersionResponse
		c.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
		if resp.Error != nil {
			t.Fatal(resp.Error)
		}
		if resp.Skip != "" {
			return resp.Skip
		}
	}
	return ""
}
