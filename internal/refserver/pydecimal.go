// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"strconv"
	"strings"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/pydecimal"
)

// The CUDA version is a DecimalField(max_digits=4, decimal_places=1). The
// backend reads it with Python's decimal module in two ways: DRF's serializer
// field on create and update (Decimal of the value's text, then a precision
// check), and Django's model field in lookups (an image's cuda_version, list
// filters), which reads a JSON float through a context of 4 significant
// digits and never rounds to the column's one decimal place.

// parseCUDAVersion is DRF's DecimalField(max_digits=4, decimal_places=1) on
// a request value's text: the version's serialised form and value, or the
// field's message.
func parseCUDAVersion(text string) (string, float64, string) {
	if len(strings.TrimSpace(text)) > 1000 {
		return "", 0, "String value too large."
	}
	d, ok := pydecimal.Parse(text)
	if !ok {
		return "", 0, msgNotNumber
	}
	if msg := d.Precision(4, 1); msg != "" {
		return "", 0, msg
	}
	return d.OneDecimal(), d.Float(), ""
}

// decimalLookup is the value Django's DecimalField(max_digits=4) looks rows
// up by: a JSON float through a 4-digit context (create_decimal_from_float),
// anything else through Decimal() of its text. ok is false where Django
// answers that the value must be a decimal number.
func decimalLookup(raw []byte) (float64, bool) {
	switch pyType(raw) {
	case "float":
		f, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
		if err != nil {
			return 0, false // json.loads reads it as inf: not finite
		}
		f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'e', 3, 64), 64)
		return f, true
	case "bool":
		// Decimal(True) is 1.
		if strings.HasPrefix(strings.TrimSpace(string(raw)), "t") {
			return 1, true
		}
		return 0, true
	}
	d, ok := pydecimal.Parse(pyStr(raw))
	return d.Float(), ok
}
