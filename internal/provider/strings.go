// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"strings"
)

// docChoices renders choices for Markdown descriptions: `a`, `b` or `c`.
func docChoices(choices []string) string { return joinChoices(choices, "`") }

// joinOr renders choices for diagnostics: a, b or c.
func joinOr(choices []string) string { return joinChoices(choices, "") }

// joinChoices renders choices, each between quote, as "a, b or c".
func joinChoices(choices []string, quote string) string {
	q := make([]string, len(choices))
	for i, c := range choices {
		q[i] = quote + c + quote
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// titleCase turns an attribute name such as "registry_url", or words such as "CUDA version",
// into "Registry URL" or "CUDA Version" for summaries.
func titleCase(attr string) string {
	words := strings.FieldsFunc(attr, func(r rune) bool { return r == '_' || r == ' ' })
	for i, w := range words {
		switch strings.ToLower(w) {
		case "url", "cpu", "pk", "ca", "pem", "cuda":
			words[i] = strings.ToUpper(w)
		default:
			if w != "" {
				words[i] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
	}
	return strings.Join(words, " ")
}

// oneOf renders choices for diagnostics: "one of: a, b, c".
func oneOf(choices []string) string {
	return "one of: " + strings.Join(choices, ", ")
}
