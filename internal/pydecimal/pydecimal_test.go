// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package pydecimal

import "testing"

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"11.1": "11.1", "11.10": "11.1", "011.1": "11.1", "11": "11.0", "11.": "11.0", ".5": "0.5",
		"1e1": "10.0", "1.11e1": "11.1", "0": "0.0", "-0": "0.0", "0.05": "0.05", "11.15": "11.15",
		"-987.50": "-987.5", "1_0": "10.0", " 12.4 ": "12.4", "100": "100.0", "1E2": "100.0",
	} {
		d, ok := Parse(in)
		if !ok {
			t.Errorf("%q: not a number", in)
			continue
		}
		if got := d.Canonical(); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3", "NaN", "inf", "e5", "."} {
		if _, ok := Parse(in); ok {
			t.Errorf("%q read as a number", in)
		}
	}
}

func TestPrecision(t *testing.T) {
	for in, want := range map[string]string{
		"12.4":   "",
		"999.9":  "",
		"11.10":  "Ensure that there are no more than 1 decimal places.",
		"987.50": "Ensure that there are no more than 4 digits in total.",
		"1234":   "Ensure that there are no more than 3 digits before the decimal point.",
		"1e3":    "Ensure that there are no more than 3 digits before the decimal point.",
	} {
		d, _ := Parse(in)
		if got := d.Precision(4, 1); got != want {
			t.Errorf("Precision(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: reading never panics, and a canonical form reads back as itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"11.1", "11.10", "-0", "1e1", "_1_", "\u0663", "1e999999999999", ".5", "0E+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := Parse(s)
		if !ok {
			return
		}
		_ = d.Precision(4, 1)
		if len(d.digits) > 64 || d.exp > 64 || d.exp < -64 {
			return // Canonical writes every digit out
		}
		c := d.Canonical()
		again, ok := Parse(c)
		if !ok || again.Canonical() != c {
			t.Fatalf("%q: canonical %q reads back as %q (%t)", s, c, again.Canonical(), ok)
		}
	})
}
