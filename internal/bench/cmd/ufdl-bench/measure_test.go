// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"testing"
)

func TestSchedule(t *testing.T) {
	a, b := &session{label: "a"}, &session{label: "b"}
	names := func(runs []sessionStep) []string {
		var out []string
		for _, r := range runs {
			out = append(out, fmt.Sprintf("%s %s", r.s.label, r.st.phase))
		}
		return out
	}
	want := []string{"a apply", "b apply", "a plan", "b plan", "a update", "b update", "a destroy", "b destroy"}
	if got := names(schedule([]*session{a, b}, true)); !slices.Equal(got, want) {
		t.Errorf("interleaved: %v, want %v", got, want)
	}
	want = []string{"a apply", "a plan", "a update", "a destroy", "b apply", "b plan", "b update", "b destroy"}
	if got := names(schedule([]*session{a, b}, false)); !slices.Equal(got, want) {
		t.Errorf("one after the other: %v, want %v", got, want)
	}
}
