package provider

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// This file holds the diagnostics users read most often, so that each says the same thing in
// the same words wherever it arises: what happened, what to do, then the server's message.

// imageFields are the API fields that are also attributes of ufdl_dockerimage under the same name.
var imageFields = map[string]bool{
	"name": true, "version": true, "url": true, "registry_url": true, "registry_username": true,
	"registry_password": true, "cuda_version": true, "framework": true, "domain": true, "tasks": true,
	"min_hardware_generation": true, "cpu": true, "licence": true,
}

// addLoginError explains why configure could not log in.
func addLoginError(diags *diag.Diagnostics, s settings, err error) {
	var le *client.LoginError
	var ce *client.ConnectionError
	switch {
	case errors.As(err, &le):
		// Not attached to the password attribute: Terraform would print its source line,
		// which holds the password when it is written as a literal.
		hint := ""
		if strings.TrimSpace(s.password) != s.password {
			hint = " The password begins or ends with white space; check that this is intended."
		}
		diags.AddError("UFDL Login Failed",
			fmt.Sprintf("The server at %s refused to log in user %q: %s. Check username (%s) and password (%s).%s",
				s.host, s.username, strings.TrimSuffix(le.Detail, "."), envUsername, envPassword, hint))
	case errors.As(err, &ce):
		diags.AddAttributeError(path.Root("host"), "UFDL Server Unreachable",
			fmt.Sprintf("No UFDL server answered at %s: %s. Check host (%s), that the server is running, and the TLS settings.",
				s.host, ce.Err, envHost))
	default:
		diags.AddError("UFDL Login Failed", fmt.Sprintf("Logging in to %s as %q failed: %s. Check that host (%s) is the address of the UFDL server itself.",
			s.host, s.username, strings.TrimSuffix(err.Error(), "."), envHost))
	}
}

// addImageAPIError turns an error from an image call into diagnostics, mapping DRF field
// errors onto the attributes they belong to and adding the fix for the errors we recognise.
func addImageAPIError(diags *diag.Diagnostics, action string, spec *client.ImageSpec, err error) {
	var ae *client.APIError
	var ce *client.ConnectionError
	switch {
	case errors.As(err, &ce):
		diags.AddError("UFDL Server Unreachable",
			fmt.Sprintf("Could not %s: the server at %s did not answer (%s). Nothing was changed that the provider knows of; run the command again when the server is back.",
				action, ce.Host, ce.Err))
		return
	case !errors.As(err, &ae):
		diags.AddError("UFDL Request Failed", fmt.Sprintf("Could not %s: %s.", action, err))
		return
	}

	switch ae.Status {
	case 403:
		diags.AddError("Permission Denied",
			fmt.Sprintf("Could not %s: the server refused (%s). Creating, changing and deleting docker images needs an admin (is_staff) user; configure the provider with one (username / %s).",
				action, ae.Detail, envUsername))
		return
	case 401:
		diags.AddError("Not Authorized",
			fmt.Sprintf("Could not %s: the server did not accept the provider's login (%s). Check the credentials (%s, %s).",
				action, ae.Detail, envUsername, envPassword))
		return
	}

	if isDuplicate(ae) && spec != nil {
		diags.AddError("Docker Image Already Exists",
			fmt.Sprintf("Could not %s: the server already holds an image named %q with version %q, and (name, version) must be unique. "+
				"Choose another name or version, or bring the existing image under Terraform with an import (id %q). Server said: %s",
				action, spec.Name, spec.Version, spec.Name+":"+spec.Version, ae.Error()))
		return
	}

	if len(ae.FieldErrors) > 0 {
		fields := make([]string, 0, len(ae.FieldErrors))
		for f := range ae.FieldErrors {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			msg := strings.Join(ae.FieldErrors[f], " ")
			detail := fmt.Sprintf("Could not %s: the server rejected %s: %s", action, f, msg)
			if f == "min_hardware_generation" && strings.Contains(msg, "may not be null") {
				detail += " This UFDL server requires a hardware generation on every image, CPU images included. " +
					"Set min_hardware_generation, e.g. to the oldest generation your workers have (such as \"Fermi\")."
			}
			if imageFields[f] {
				diags.AddAttributeError(path.Root(f), "Invalid Docker Image "+titleCase(f), detail)
			} else {
				diags.AddError("Docker Image Rejected", detail)
			}
		}
		return
	}
	diags.AddError("UFDL Request Failed", fmt.Sprintf("Could not %s: %s", action, ae.Error()))
}

// isDuplicate recognises the (name, version) clash in both forms servers answer it: a DRF
// unique-together error, or the real backend's database error in "detail".
func isDuplicate(ae *client.APIError) bool {
	if ae.Status != 400 && ae.Status != 500 {
		return false
	}
	for _, m := range ae.FieldErrors["non_field_errors"] {
		if strings.Contains(m, "unique") {
			return true
		}
	}
	return strings.Contains(ae.Detail, "duplicate key")
}
