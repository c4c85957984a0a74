// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Workdir runs the terraform CLI itself, not through terraform-plugin-testing, against the
// provider built as a real binary and installed through dev_overrides, exactly as a user runs
// it. Tests use it where they must read what a user reads: the rendered plan, the CLI's
// output and the logs of Terraform and the provider (TF_LOG).
type Workdir struct {
	Dir string
	env []string
}

// TerraformBinary is the CLI the acceptance tests run: TF_ACC_TERRAFORM_PATH or terraform on PATH.
func TerraformBinary() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// providerBinaryDir builds the provider once per test process and returns its directory.
func providerBinaryDir() (string, error) {
	buildOnce.Do(func() {
		root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			buildErr = fmt.Errorf("finding the module root: %w", err)
			return
		}
		binDir, buildErr = os.MkdirTemp("", "ufdl-provider-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-ufdl"), ".")
		cmd.Dir = strings.TrimSpace(string(root))
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	return binDir, buildErr
}

// NewWorkdir writes config to a temporary directory with a CLI configuration whose
// dev_overrides point at the freshly built provider.
func NewWorkdir(t *testing.T, config string) *Workdir {
	t.Helper()
	bin, err := providerBinaryDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/waikato-ufdl/ufdl", bin, "registry.opentofu.org/waikato-ufdl/ufdl", bin)
	cliConfig := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(cli), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Workdir{Dir: dir, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	)}
}

// Run runs terraform with args in the working directory and returns its combined output.
func (w *Workdir) Run(args ...string) (string, error) {
	return w.RunEnv(nil, args...)
}

// RunEnv is Run with extra environment variables (e.g. TF_LOG and TF_LOG_PATH).
func (w *Workdir) RunEnv(env []string, args ...string) (string, error) {
	cmd := exec.Command(TerraformBinary(), args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append([]string{}, w.env...), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}
