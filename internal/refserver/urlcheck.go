// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validImageURL checks a registry-style URL: an optional http(s) scheme, a
// host (name or [IPv6]) with an optional port, then an optional path, e.g.
// "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/x:1.0". The
// backend stores image URLs as plain text; only licence URLs (Django's
// URLField, validAbsoluteURL) are checked, and with this shape after the
// scheme.
func validImageURL(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	rest := s
	if scheme, after, ok := strings.Cut(s, "://"); ok {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			return false
		}
		rest = after
	}
	hostport, _, _ := strings.Cut(rest, "/")
	return validHostPort(hostport)
}

// validAbsoluteURL is Django's URLValidator (a licence's URLField) after DRF
// has trimmed the value: scheme http, https, ftp or ftps; a host that is an
// IPv4 address, a bracketed IPv6 address, "localhost" or a domain name whose
// last label is two or more letters (or punycode); an optional port of one
// to five digits (any value: 0 and 99999 pass); and no whitespace. Host names
// may hold any character from U+00A1 to U+FFFF; Django's second try with the
// host in punycode, which only matters for characters beyond that range, is
// not made.
func validAbsoluteURL(s string) bool {
	if utf8.RuneCountInString(s) > 2048 || strings.ContainsAny(s, "\t\r\n") {
		return false
	}
	scheme, _, _ := strings.Cut(s, "://")
	switch strings.ToLower(scheme) {
	case "http", "https", "ftp", "ftps":
	default:
		return false
	}
	if !djangoURLRe.MatchString(s) {
		return false
	}
	// The host as urlsplit finds it, which refuses a bracketed host that is
	// not an IPv6 address.
	_, host, _ := strings.Cut(s, "://")
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return false // urlsplit: "Invalid IPv6 URL"
		}
		host = host[1:end]
		if addr, err := netip.ParseAddr(host); err != nil || !addr.Is6() {
			return false
		}
	} else {
		host, _, _ = strings.Cut(host, ":")
	}
	return utf8.RuneCountInString(host) <= 253
}

// djangoURLRe is Django's URLValidator.regex. Go's regexp has no look-around,
// so its "a label does not start or end with a dash" is spelt out; \s is
// Python's Unicode whitespace.
var djangoURLRe = func() *regexp.Regexp {
	const (
		ws       = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`
		letter   = `a-z\x{a1}-\x{ffff}`
		alnum    = letter + `0-9`
		octet    = `(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)`
		ipv4     = octet + `(?:\.` + octet + `){3}`
		ipv6     = `\[[0-9a-f:.]+\]`
		label    = `[` + alnum + `](?:[` + alnum + `-]{0,61}[` + alnum + `])?`
		tld      = `\.(?:[` + letter + `][` + letter + `-]{0,61}[` + letter + `]|xn--[a-z0-9]{1,59})\.?`
		hostname = label + `(?:\.` + label + `)*` + tld + `|localhost`
	)
	return regexp.MustCompile(`(?i)^[a-z0-9.+-]*://` +
		`(?:[^` + ws + `:@/]+(?::[^` + ws + `:@/]*)?@)?` +
		`(?:` + ipv4 + `|` + ipv6 + `|` + hostname + `)` +
		`(?::[0-9]{1,5})?` +
		`(?:[/?#][^` + ws + `]*)?\z`)
}()

func validHostPort(hp string) bool {
	host, port := hp, ""
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return false
		}
		addr, err := netip.ParseAddr(hp[1:end])
		if err != nil || !addr.Is6() {
			return false
		}
		rest := hp[end+1:]
		if rest == "" {
			return true
		}
		if rest[0] != ':' {
			return false
		}
		return validPort(rest[1:])
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		host, port = hp[:i], hp[i+1:]
		if !validPort(port) {
			return false
		}
	}
	return validHostName(host)
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// validHostName accepts dot-separated labels of letters, digits and dashes,
// each non-empty and not starting or ending with a dash.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
