// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccHardwareGeneration_rangesTheServerWouldKeep: the real backend stores any compute
// capability range, even one that holds nothing, and numbers that break its table; the plan
// refuses them.
func TestAccHardwareGeneration_rangesTheServerWouldKeep(t *testing.T) {
	srv := acctest.NewServer(t)
	row, _ := hardwareKind.newRow(t, srv)
	plan := func(lo, hi string, want ...string) resource.TestStep {
		cfg := strings.Replace(hardwareKind.block("test", row), "max_compute_capability = "+hcl(row["max_compute_capability"]), "max_compute_capability = "+hi, 1)
		cfg = strings.Replace(cfg, "min_compute_capability = "+hcl(row["min_compute_capability"]), "min_compute_capability = "+lo, 1)
		return resource.TestStep{Config: srv.ProviderConfig() + cfg, PlanOnly: true, ExpectError: errorText(want...)}
	}
	empty := func(lo, hi string) resource.TestStep {
		return plan(lo, hi, "Empty Compute Capability Range",
			fmt.Sprintf("max_compute_capability = %s is not greater than min_compute_capability = %s: the range [min, max) holds no compute capability", hi, lo),
			"Set max_compute_capability above min_compute_capability.")
	}
	between := func(attr, got string) string {
		return fmt.Sprintf("Attribute %s value must be between 0.000000 and 1000.000000, got: %s", attr, got)
	}
	hardwareKind.testRefused(t, srv,
		empty("8.6", "8.5"),
		empty("7.5", "7.5"),
		plan("-1", "2", between("min_compute_capability", "-1.000000")),
		plan("1", "1000.5", between("max_compute_capability", "1000.500000")),
		// Beyond a float64: refused before it can reach the server, whose table an infinity breaks.
		// (The framework's words, not ours: its number type cannot hold the value.)
		plan("1", "1e400", "Value Conversion Error", "cannot be represented as a 64-bit floating"),
	)
}

// TestAccHardwareGeneration_overlapWarns: the server resolves a compute capability to the
// generation with the lowest pk when ranges overlap. A plan that creates a generation whose
// range overlaps another's, or moves one into another's, warns and names it; one that moves it
// out does not. The warning does not stop the apply.
func TestAccHardwareGeneration_overlapWarns(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	other, _ := hardwareKind.newRow(t, srv)
	otherPK := srv.CreateRow(t, hardwareKind.path, other)
	row, _ := hardwareKind.newRow(t, srv)
	lo := other["min_compute_capability"].(float64) // other spans [lo, lo+0.5)
	free := acctest.ComputeRange()
	cli := acctest.NewCLI(t, acctest.NewWorkdir(t, queryProviderBlock), srv.Env())
	warning := fmt.Sprintf("overlaps %s [%g, %g) (pk %d)", other["generation"], lo, lo+0.5, otherPK)
	apply := func(from, to float64, warns bool) {
		t.Helper()
		writeConfig(t, cli.Dir, queryProviderBlock+hardwareKind.block("test", row.with(fields{"min_compute_capability": from, "max_compute_capability": to})))
		out := oneLine(cli.Must("apply", "-auto-approve"))
		said := strings.Contains(out, "Warning: Overlapping Compute Capability Ranges") && strings.Contains(out, fmt.Sprintf("[%g, %g) ", from, to)+warning)
		if said != warns || strings.Contains(out, "Overlapping") != warns {
			t.Errorf("apply of [%g, %g) next to %s [%g, %g): warned %v, want %v:\n%s", from, to, other["generation"], lo, lo+0.5, said, warns, out)
		}
		cli.ExpectEmptyPlan(fmt.Sprintf("after [%g, %g)", from, to))
	}
	apply(lo+0.25, lo+0.75, true) // created overlapping
	apply(free, free+0.5, false)  // moved out
	apply(lo-0.5, lo+0.1, true)   // moved in
	cli.Must("destroy", "-auto-approve")
}
