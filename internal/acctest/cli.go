// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"strings"
	"testing"
)

// Env is the environment that points the provider of a Workdir at s as admin, followed by
// extra variables (TF_VAR_ values, say): the provider block of such configurations is empty.
func (s *Server) Env(extra ...string) []string {
	return s.EnvAs(s.AdminUser, s.AdminPassword, extra...)
}

// EnvAs is Env logging in as user.
func (s *Server) EnvAs(user, password string, extra ...string) []string {
	return append([]string{"UFDL_HOST=" + s.URL, "UFDL_USERNAME=" + user, "UFDL_PASSWORD=" + password}, extra...)
}

// CLI runs the terraform commands of one test in a Workdir with one environment, the way a
// user's script does: every command gets -no-color, and one that must succeed and fails ends
// the test with its output.
type CLI struct {
	*Workdir
	T *testing.T
	// Env is added to every command's environment; a test may append to it between commands.
	Env []string
}

// NewCLI runs w's commands for t with env.
func NewCLI(t *testing.T, w *Workdir, env []string) *CLI {
	return &CLI{Workdir: w, T: t, Env: env}
}

// Must runs terraform with args and returns its output; a failure fails the test at once.
func (c *CLI) Must(args ...string) string {
	c.T.Helper()
	out, err := c.RunEnv(c.Env, append(args, "-no-color")...)
	if err != nil {
		c.T.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// MustFail runs terraform with args, expects it to fail and returns its output.
func (c *CLI) MustFail(args ...string) string {
	c.T.Helper()
	out, err := c.RunEnv(c.Env, append(args, "-no-color")...)
	if err == nil {
		c.T.Fatalf("terraform %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return out
}

// ExpectEmptyPlan runs plan -detailed-exitcode, which exits 0 only when there is nothing to
// do, and reports any other outcome as an error of the test, saying when the plan was made
// ("after apply"). It returns the plan's output and whether it was empty.
func (c *CLI) ExpectEmptyPlan(when string) (string, bool) {
	c.T.Helper()
	out, err := c.RunEnv(c.Env, "plan", "-detailed-exitcode", "-no-color")
	if err != nil {
		c.T.Errorf("the plan %s is not empty (%v):\n%s", when, err, out)
	}
	return out, err == nil
}
