// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// pyJSONError checks a body the way Python's json.loads reads it (DRF's JSON
// parser) and returns its error message, e.g. "Expecting value: line 1 column
// 9 (char 8)", or "" when the body parses. Positions count characters.
func pyJSONError(body []byte) string {
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", body[i], i)
	}
	p := &pyParser{s: []rune(string(body))}
	p.ws()
	if msg, at := p.value(); msg != "" {
		if at < 0 {
			return msg
		}
		return p.errorAt(msg, at)
	}
	p.ws()
	if p.i != len(p.s) {
		return p.errorAt("Extra data", p.i)
	}
	return ""
}

type pyParser struct {
	s []rune
	i int
}

func (p *pyParser) errorAt(msg string, pos int) string {
	line := 1
	last := -1
	for j := 0; j < pos && j < len(p.s); j++ {
		if p.s[j] == '\n' {
			line++
			last = j
		}
	}
	return fmt.Sprintf("%s: line %d column %d (char %d)", msg, line, pos-last, pos)
}

func (p *pyParser) ws() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\n\r", p.s[p.i]) {
		p.i++
	}
}

func (p *pyParser) peek() rune {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyParser) has(lit string) bool {
	r := []rune(lit)
	return p.i+len(r) <= len(p.s) && string(p.s[p.i:p.i+len(r)]) == lit
}

// value parses one value at p.i; it returns the error and its position.
func (p *pyParser) value() (string, int) {
	switch c := p.peek(); {
	case c == '"':
		return p.str()
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case p.has("null"):
		p.i += 4
	case p.has("true"):
		p.i += 4
	case p.has("false"):
		p.i += 5
	case p.has("NaN"), p.has("Infinity"), p.has("-Infinity"):
		// Python reads them; DRF's parser then refuses them.
		lit := "NaN"
		if p.has("Infinity") {
			lit = "Infinity"
		} else if p.has("-Infinity") {
			lit = "-Infinity"
		}
		return "Out of range float values are not JSON compliant: " + pyQuote(lit), -1
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return "Expecting value", p.i
	}
	return "", 0
}

func (p *pyParser) number() (string, int) {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	switch {
	case p.peek() == '0':
		p.i++
	case digits() == 0:
		return "Expecting value", start
	}
	if p.peek() == '.' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9' {
		p.i++
		digits()
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		save := p.i
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if digits() == 0 {
			p.i = save
		}
	}
	return "", 0
}

func (p *pyParser) str() (string, int) {
	start := p.i
	p.i++
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return "", 0
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "Unterminated string starting at", start
			}
			e := p.s[p.i+1]
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.s) || !isHex4(p.s[p.i+2:p.i+6]) {
					return "Invalid \\uXXXX escape", p.i + 1
				}
				p.i += 6
			default:
				return fmt.Sprintf("Invalid \\escape: %s", pyQuote(string(e))), p.i
			}
		case c < 0x20:
			return "Invalid control character at", p.i
		default:
			p.i++
		}
	}
	return "Unterminated string starting at", start
}

func isHex4(r []rune) bool {
	for _, c := range r {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func (p *pyParser) object() (string, int) {
	return p.items('}', func() (string, int) {
		if p.peek() != '"' {
			return "Expecting property name enclosed in double quotes", p.i
		}
		if msg, at := p.str(); msg != "" {
			return msg, at
		}
		p.ws()
		if p.peek() != ':' {
			return "Expecting ':' delimiter", p.i
		}
		p.i++
		p.ws()
		return p.value()
	})
}

func (p *pyParser) array() (string, int) { return p.items(']', p.value) }

// items parses the members of an object or array after its opening bracket:
// items separated by commas up to the closing bracket.
func (p *pyParser) items(closing rune, item func() (string, int)) (string, int) {
	p.i++
	p.ws()
	if p.peek() == closing {
		p.i++
		return "", 0
	}
	for {
		if msg, at := item(); msg != "" {
			return msg, at
		}
		p.ws()
		switch p.peek() {
		case closing:
			p.i++
			return "", 0
		case ',':
			p.i++
			p.ws()
		default:
			return "Expecting ',' delimiter", p.i
		}
	}
}
