// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"strings"
	"testing"
)

// A pk placeholder names a saved object's pk, or a pk next to it: the cases
// that show whether a failed create consumed a pk read the one just before.
func TestPKPlaceholder(t *testing.T) {
	r := &runner{byName: map[string]created{"fwC": {coll: "frameworks", pk: 40, name: "fwC"}}}
	for _, c := range []struct{ in, want string }{
		{"/v1/frameworks/{{pk:fwC}}", "/v1/frameworks/40"},
		{"/v1/frameworks/{{pk:fwC-1}}", "/v1/frameworks/39"},
		{"/v1/frameworks/{{pk:fwC+2}}", "/v1/frameworks/42"},
	} {
		got, err := r.expand(context.Background(), c.in)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"{{pk:fwD-1}}", "no object named fwD"},
		{"{{pk:fwC-x}}", "want pk:NAME, pk:NAME-N or pk:NAME+N"},
		{"{{pk:fwC*2}}", "want pk:NAME, pk:NAME-N or pk:NAME+N"},
	} {
		if _, err := r.expand(context.Background(), c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.in, err, c.want)
		}
	}
}
