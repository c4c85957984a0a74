// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// The backend is Python: where it turns a request value into text (DRF's
// CharField takes numbers as str(value), lookups quote the value in their
// messages), the text is Python's. These helpers reproduce str() of a value
// after json.loads for the values JSON can carry.

// pyStr is Python's str() of a JSON value.
func pyStr(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if pyType(raw) == "str" {
		s, _ := jsonString(raw)
		return s
	}
	return pyRepr(raw)
}

// pyRepr is Python's repr() of a JSON value.
func pyRepr(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	switch pyType(raw) {
	case "str":
		s, _ := jsonString(raw)
		return pyQuote(s)
	case "bool":
		if raw[0] == 't' {
			return "True"
		}
		return "False"
	case "NoneType":
		return "None"
	case "int":
		return pyInt(raw)
	case "float":
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return "inf" // json.loads reads a float too large as inf
		}
		return pyFloat(f)
	case "list":
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = pyRepr(it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case "dict":
		// Key order as sent: Python dicts keep insertion order.
		d := json.NewDecoder(bytes.NewReader(raw))
		_, _ = d.Token()
		var parts []string
		for d.More() {
			k, _ := d.Token()
			var v json.RawMessage
			_ = d.Decode(&v)
			ks, _ := k.(string)
			parts = append(parts, pyQuote(ks)+": "+pyRepr(v))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return string(raw)
}

// pyInt normalises a JSON integer as Python prints it (arbitrary size).
func pyInt(raw []byte) string {
	s := string(raw)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
	if s == "" {
		return "0"
	}
	if neg {
		return "-" + s
	}
	return s
}

// pyFloat is repr() of a float: the shortest digits that read back the same,
// in fixed notation for exponents -4..15 (with ".0" when integral) and
// scientific notation with a signed two-digit exponent otherwise.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+06"
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return sign + m + "e" + es + leftPad2(strconv.Itoa(exp))
	}
	var whole, frac string
	if exp >= 0 {
		if len(digits) <= exp+1 {
			whole = digits + strings.Repeat("0", exp+1-len(digits))
		} else {
			whole, frac = digits[:exp+1], digits[exp+1:]
		}
	} else {
		whole, frac = "0", strings.Repeat("0", -exp-1)+digits
	}
	if frac == "" {
		frac = "0"
	}
	return sign + whole + "." + frac
}

func leftPad2(s string) string {
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// pyQuote is repr() of a str for the characters request values carry.
func pyQuote(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case string(r) == q:
			b.WriteString(`\` + q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x` + string(hexDigits[r>>4]) + string(hexDigits[r&0xf]))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(q)
	return b.String()
}
