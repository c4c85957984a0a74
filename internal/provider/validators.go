// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
func noSurroundingSpace() validator.String {
	return stringRule{"value must not begin or end with white space", func(p path.Path, s string) (string, string) {
		if s == strings.TrimSpace(s) {
			return "", ""
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
		return "Empty Value", emptyCredential(p.String())
	}}
}

func emptyCredential(attr string) string {
	return fmt.Sprintf("%s is an empty string. Omit %s when the registry needs no login: the server then holds none.", attr, attr)
}

// The checks of secret attributes report errors without an attribute path, and name the
// attribute in words: Terraform prints the configuration line of an attribute's diagnostic,
// which holds the secret when it is written as a literal. No message holds the value,
// whatever it came from (a literal, file(), a variable). Schema validators cannot do this:
// theirs are attached to the attribute.

// validateRegistryPasswords checks registry_password and registry_password_wo of an image's
// configuration: each alone, and how they go with each other and with the username.
func validateRegistryPasswords(cfg dockerImageModel, diags *diag.Diagnostics) {
	checkRegistryPassword("registry_password", cfg.RegistryPassword, diags)
	checkRegistryPassword("registry_password_wo", cfg.RegistryPasswordWO, diags)
	if !cfg.RegistryPassword.IsNull() && !cfg.RegistryPasswordWO.IsNull() {
		diags.AddError("Conflicting Registry Passwords",
			"registry_password and registry_password_wo are both set. Set one of them: registry_password_wo keeps the password out of state "+
				"(Terraform 1.11 and later), registry_password keeps it in state.")
	}
	if !cfg.RegistryPasswordWO.IsNull() && cfg.RegistryPasswordWOVersion.IsNull() {
		diags.AddError("Missing Write-Only Password Version",
			"registry_password_wo is set but registry_password_wo_version is not. Terraform cannot tell when a write-only value changes: "+
				"set registry_password_wo_version to any number, and change it to send a new password.")
	}
	if cfg.RegistryUsername.IsNull() {
		for _, pw := range []struct {
			attr string
			v    types.String
		}{{"registry_password", cfg.RegistryPassword}, {"registry_password_wo", cfg.RegistryPasswordWO}} {
			if attr := pw.attr; !pw.v.IsNull() {
				diags.AddError("Registry Password Without Username",
					attr+" is set but registry_username is not. Workers log in to the registry only with a username, and an image without one "+
						"keeps no password on the server. Set registry_username, or remove "+attr+" if the registry needs no login.")
			}
		}
	}
}

// checkRegistryPassword refuses what the server would not store as given: "" (the server's
// "none" is null), more than maxCredential characters, and surrounding white space (trimmed
// by the server, so the password would not be the one configured).
func checkRegistryPassword(attr string, v types.String, diags *diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	s := v.ValueString()
	switch n := utf8.RuneCountInString(s); {
	case s == "":
		diags.AddError("Empty Value", emptyCredential(attr))
	case n > maxCredential:
		diags.AddError("Invalid Attribute Value Length",
			fmt.Sprintf("%s is %d characters long; the server holds at most %d. The value is not shown here: it is sensitive.", attr, n, maxCredential))
	case s != strings.TrimSpace(s):
		diags.AddError("Surrounding White Space", surroundingSpaceInSecret(attr))
	}
}

// surroundingSpaceInSecret is the message for a secret that begins or ends with white space.
func surroundingSpaceInSecret(attr string) string {
	return fmt.Sprintf("%s begins or ends with white space, which the server removes. A value read with file() usually ends with a newline: "+
		"write trimspace(file(\"...\")). The value is not shown here: it is sensitive.", attr)
}
