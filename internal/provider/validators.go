package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// urlPattern is the shape of an image or registry address as the UFDL server accepts it: an
// optional http(s) scheme, a host name or bracketed IPv6 address, an optional port and an
// optional path. Real catalogs write registries without a scheme ("host:443/team/image:tag").
var urlPattern = regexp.MustCompile(`^(?i:https?://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::([0-9]{1,5}))?(?:/[^\s]*)?$`)

// checkURLShape returns why s is not an acceptable address, or "" when it is.
func checkURLShape(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "it contains white space or control characters"
	}
	m := urlPattern.FindStringSubmatch(s)
	if m == nil {
		return "it is not of the form [http(s)://]host[:port][/path], e.g. registry.example.com:443/team/image:tag"
	}
	if strings.HasPrefix(m[1], "[") && net.ParseIP(strings.Trim(m[1], "[]")) == nil {
		return fmt.Sprintf("%s is not a valid IPv6 address", m[1])
	}
	if m[2] != "" {
		if p, err := strconv.Atoi(m[2]); err != nil || p < 1 || p > 65535 {
			return fmt.Sprintf("port %s is not between 1 and 65535", m[2])
		}
	}
	return ""
}

// stringRule is a plan-time check of a known string value: check returns the summary and
// detail of the error, or an empty summary when the value is fine. Null and unknown values
// are left to later checks.
type stringRule struct {
	description string
	check       func(p path.Path, s string) (summary, detail string)
}

func (r stringRule) Description(_ context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(_ context.Context) string { return r.description }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail := r.check(req.Path, req.ConfigValue.ValueString()); summary != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// urlShape validates an image or registry address at plan time.
func urlShape() validator.String {
	return stringRule{"value must be an address of the form [http(s)://]host[:port][/path]", func(p path.Path, s string) (string, string) {
		if why := checkURLShape(s); why != "" {
			return "Invalid Address", fmt.Sprintf("%s = %q is not a valid address: %s.", p, s, why)
		}
		return "", ""
	}}
}

// noSurroundingSpace refuses leading or trailing white space: the server trims it, so the
// value read back would differ from the configuration and every plan would show a change.
func noSurroundingSpace() validator.String { return surroundingSpaceRule(false) }

// noSurroundingSpaceSecret is noSurroundingSpace for a sensitive attribute: the message
// never holds the value, whatever it came from (a literal, file(), a variable).
func noSurroundingSpaceSecret() validator.String { return surroundingSpaceRule(true) }

func surroundingSpaceRule(secret bool) stringRule {
	return stringRule{"value must not begin or end with white space", func(p path.Path, s string) (string, string) {
		switch {
		case s == strings.TrimSpace(s):
			return "", ""
		case secret:
			return "Surrounding White Space",
				fmt.Sprintf("%s begins or ends with white space, which the server removes. A value read with file() usually ends with a newline: "+
					"write trimspace(file(\"...\")). The value is not shown here: it is sensitive.", p)
		}
		return "Surrounding White Space",
			fmt.Sprintf("%s = %q begins or ends with white space, which the server removes. Write %q instead.", p, s, strings.TrimSpace(s))
	}}
}

// notEmpty refuses "" for an attribute the server stores as null when there is none: the
// way to say "none" is to leave the attribute out.
func notEmpty() validator.String {
	return stringRule{"value must not be empty; omit the attribute instead", func(p path.Path, s string) (string, string) {
		if s != "" {
			return "", ""
		}
		return "Empty Value", fmt.Sprintf("%s is an empty string. Omit %s when the registry needs no login: the server then holds none.", p, p)
	}}
}
