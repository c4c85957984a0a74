package refserver

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"
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

// validAbsoluteURL is Django's URLField: a scheme is required.
func validAbsoluteURL(s string) bool {
	scheme, after, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "ftp", "ftps":
	default:
		return false
	}
	return after != "" && validImageURL(after)
}

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
