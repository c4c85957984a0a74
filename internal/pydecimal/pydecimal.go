// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package pydecimal reads decimals as Python's decimal module does, and checks them as
// Django REST framework's DecimalField does: the UFDL backend stores CUDA versions in such a
// field. Both the API client (to check a version at plan time) and the reference server (to
// answer as the backend does) need exactly that reading.
package pydecimal

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Dec is a finite decimal as Python's Decimal.as_tuple() gives it: the
// digits without leading zeros (at least one) and the exponent.
type Dec struct {
	neg    bool
	digits string
	exp    int
}

// maxExp bounds the exponents read: any larger one fails every precision
// check anyway, and it keeps the arithmetic far from overflow.
const maxExp = 1 << 30

// Parse reads text as Python's Decimal() does, except that the
// infinities and NaNs (which the backend refuses as "not a valid number")
// are not numbers here: surrounding whitespace is ignored, every underscore
// is dropped, any Unicode decimal digit counts, and the forms "1.", ".5"
// and "1e3" are numbers.
func Parse(s string) (Dec, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	var d Dec
	if s != "" && (s[0] == '+' || s[0] == '-') {
		d.neg, s = s[0] == '-', s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	whole, ok1 := asciiDigits(whole)
	frac, ok2 := asciiDigits(frac)
	if !ok1 || !ok2 || whole+frac == "" {
		return Dec{}, false
	}
	if hasExp {
		e, ok := exponent(expText)
		if !ok {
			return Dec{}, false
		}
		d.exp = e
	}
	d.exp -= len(frac)
	d.digits = strings.TrimLeft(whole+frac, "0")
	if d.digits == "" {
		d.digits = "0"
	}
	return d, true
}

// exponent reads an exponent: an optional sign and at least one digit.
func exponent(s string) (int, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	digits, ok := asciiDigits(s)
	if !ok || digits == "" {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > maxExp {
		n = maxExp
	}
	if neg {
		n = -n
	}
	return n, true
}

// asciiDigits maps a run of Unicode decimal digits to ASCII; ok is false for
// anything else. Unicode keeps every script's digits in runs of ten from its
// zero, so a digit's value is its distance from the run's start, modulo ten.
func asciiDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsDigit(r):
			n := 0
			for unicode.IsDigit(r - rune(n+1)) {
				n++
			}
			b.WriteByte(byte('0' + n%10))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Float is the decimal's value.
func (d Dec) Float() float64 {
	f, _ := strconv.ParseFloat(d.digits+"e"+strconv.Itoa(d.exp), 64)
	if d.neg {
		f = -f
	}
	return f
}

// Precision is DRF's DecimalField.validate_precision: its message when d does not fit a
// field of maxDigits digits with places decimal places, or "" when it does.
func (d Dec) Precision(maxDigits, places int) string {
	n := len(d.digits)
	var total, whole, frac int
	switch {
	case d.exp >= 0:
		total, whole = n+d.exp, n+d.exp
	case n > -d.exp:
		total, whole, frac = n, n+d.exp, -d.exp
	default:
		total, frac = -d.exp, -d.exp
	}
	switch {
	case total > maxDigits:
		return fmt.Sprintf("Ensure that there are no more than %d digits in total.", maxDigits)
	case frac > places:
		return fmt.Sprintf("Ensure that there are no more than %d decimal places.", places)
	case whole > maxDigits-places:
		return fmt.Sprintf("Ensure that there are no more than %d digits before the decimal point.", maxDigits-places)
	}
	return ""
}

// OneDecimal formats a value that fits one decimal place as DRF returns it
// after quantizing to one place ("987.0", "0.5"). Zero has no sign: the
// column keeps none, so a read gives "0.0" (the create's own answer would say
// "-0.0" for "-0", but the seed's 0.0 makes that a duplicate).
func (d Dec) OneDecimal() string {
	digits := d.digits
	if d.exp >= 0 {
		digits += strings.Repeat("0", d.exp) + "0"
	}
	if len(digits) < 2 {
		digits = "0" + digits
	}
	intPart := strings.TrimLeft(digits[:len(digits)-1], "0")
	if intPart == "" {
		intPart = "0"
	}
	text := intPart + "." + digits[len(digits)-1:]
	if d.neg && strings.Trim(d.digits, "0") != "" {
		text = "-" + text
	}
	return text
}

// Canonical is the value as the shortest decimal text with at least one decimal place:
// "11.10", "011.1" and "1.11e1" are all "11.1", "11" is "11.0". Two texts are the same
// number exactly when their Canonical forms are equal, as a database compares them.
func (d Dec) Canonical() string {
	digits, exp := d.digits, d.exp
	if strings.Trim(digits, "0") == "" {
		return "0.0" // zero has no sign in a column
	}
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if exp >= 0 {
		digits, exp = digits+strings.Repeat("0", exp)+"0", -1
	}
	if len(digits) <= -exp {
		digits = strings.Repeat("0", -exp-len(digits)+1) + digits
	}
	text := digits[:len(digits)+exp] + "." + digits[len(digits)+exp:]
	if d.neg {
		text = "-" + text
	}
	return text
}
