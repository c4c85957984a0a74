// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import "testing"

// The CUDA version on create and update: the forms Python's Decimal reads,
// then DRF's precision checks in their order, answered as the real backend
// recorded them (internal/conformance/corpus/08-lookup-writes.cases).
func TestParseCUDAVersion(t *testing.T) {
	const (
		digits = "Ensure that there are no more than 4 digits in total."
		places = "Ensure that there are no more than 1 decimal places."
		whole  = "Ensure that there are no more than 3 digits before the decimal point."
	)
	for _, c := range []struct{ in, canon, msg string }{
		{"11.1", "11.1", ""},
		{" 987.5 ", "987.5", ""},
		{"0987.5", "987.5", ""},
		{"987.", "987.0", ""},
		{".5", "0.5", ""},
		{"+1.5", "1.5", ""},
		{"-987.5", "-987.5", ""},
		{"-0", "0.0", ""},
		{"1e1", "10.0", ""},
		{"9.875e2", "987.5", ""},
		{"1E2", "100.0", ""},
		{"98_7.5", "987.5", ""},
		{"_1_", "1.0", ""},
		{"\u0663", "3.0", ""},     // ARABIC-INDIC DIGIT THREE
		{"\U0001D7D7", "9.0", ""}, // MATHEMATICAL BOLD DIGIT NINE, the end of a run of fifty digits
		{"999.9", "999.9", ""},
		{"987.50", "", digits},
		{"11.10", "", places},
		{"1234.5", "", digits},
		{"0.05", "", places},
		{"1.0e-1", "", places},
		{"1.25", "", places},
		{"1e3", "", whole},
		{"1234", "", whole},
		{"0E+5", "", digits},
		{"0e2", "0.0", ""},
		{"", "", msgNotNumber},
		{" ", "", msgNotNumber},
		{".", "", msgNotNumber},
		{"_", "", msgNotNumber},
		{"1e", "", msgNotNumber},
		{"e1", "", msgNotNumber},
		{"1e+-1", "", msgNotNumber},
		{"1.2.3", "", msgNotNumber},
		{"NaN", "", msgNotNumber},
		{"sNaN", "", msgNotNumber},
		{"Infinity", "", msgNotNumber},
		{"-inf", "", msgNotNumber},
		{"True", "", msgNotNumber},
		{"0x10", "", msgNotNumber},
		{"eleven", "", msgNotNumber},
	} {
		canon, _, msg := parseCUDAVersion(c.in)
		if canon != c.canon || msg != c.msg {
			t.Errorf("parseCUDAVersion(%q) = %q, %q; want %q, %q", c.in, canon, msg, c.canon, c.msg)
		}
	}
}

// Lookups by version (an image's cuda_version, list filters) compare values
// exactly; a JSON float is first read through a context of four digits.
func TestDecimalLookup(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want float64
		ok   bool
	}{
		{`"11.10"`, 11.1, true},
		{`"11.15"`, 11.15, true},
		{`"1_0"`, 10, true},
		{`" 11.1 "`, 11.1, true},
		{`11.10`, 11.1, true},
		{`987.55`, 987.5, true}, // the double just below 987.55, to four digits
		{`11`, 11, true},
		{`true`, 1, true},
		{`1e400`, 0, false},
		{`"nan"`, 0, false},
		{`"eleven"`, 0, false},
		{`["11.1"]`, 0, false},
	} {
		got, ok := decimalLookup([]byte(c.raw))
		if got != c.want || ok != c.ok {
			t.Errorf("decimalLookup(%s) = %v, %v; want %v, %v", c.raw, got, ok, c.want, c.ok)
		}
	}
}
