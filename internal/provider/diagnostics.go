package provider

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// This file holds the diagnostics users read most often, so that each says the same thing in
// the same words wherever it arises: what happened, what to do, then the server's message.

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

// imageRef names the image a failed call concerned, for the errors that need it.
type imageRef struct {
	name, version string
	creating      bool  // a create, whose outcome may be unknown
	existingPK    int64 // the image that holds (name, version), when known
}

// imageExists is the one diagnostic for a (name, version) that another image already has.
// pk is that image's, 0 when unknown; creating adds the cause only a create can have: a
// replacement with create_before_destroy.
func imageExists(p path.Path, pk int64, name, version string, creating bool) diag.Diagnostic {
	which := "an image"
	if pk > 0 {
		which = fmt.Sprintf("image %d", pk)
	}
	detail := fmt.Sprintf("The server already holds %s named %q with version %q, and (name, version) must be unique. "+
		"Choose another name or version, or bring that image under Terraform with an import block (id = %q). "+
		"If another block of this configuration manages it, change or remove one of the two.",
		which, name, version, name+":"+version)
	if creating {
		detail += " If this image replaces that one (terraform apply -replace, taint or replace_triggered_by) and the resource has " +
			"lifecycle { create_before_destroy = true }, the replacement cannot exist beside the image it replaces: give the replacement " +
			"another version (the old image is destroyed once the new one exists), or remove create_before_destroy before replacing it. " +
			"Terraform keeps the old image meanwhile (as a deposed object, destroyed after its replacement). The existing image was not changed."
	}
	return diag.NewAttributeErrorDiagnostic(p, "Docker Image Already Exists", detail)
}

// addImageAPIError turns an error from an image call into diagnostics, mapping DRF field
// errors onto the attributes they belong to and adding the fix for the errors we recognise.
func addImageAPIError(diags *diag.Diagnostics, action string, ref *imageRef, err error) {
	var ae *client.APIError
	var ce *client.ConnectionError
	switch {
	case errors.As(err, &ce) && ref != nil && ref.creating:
		diags.AddError("UFDL Server Unreachable",
			fmt.Sprintf("Could not %s: the server at %s did not answer (%s), and it could not be asked afterwards whether the image was stored. "+
				"It may exist on the server now: before applying again, check, and if it is there bring it under Terraform with an import block (id = %q).",
				action, ce.Host, ce.Err, ref.name+":"+ref.version))
		return
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

	if client.IsDuplicate(err) && ref != nil {
		d := imageExists(path.Root("name"), ref.existingPK, ref.name, ref.version, true)
		diags.AddAttributeError(path.Root("name"), d.Summary(), "Could not "+action+". "+d.Detail()+" Server said: "+ae.Error())
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
			if f == client.FieldMinHardwareGeneration && client.IsNullRefused(err, f) {
				detail += " This UFDL server requires a hardware generation on every image, CPU images included. " +
					"Set min_hardware_generation, e.g. to the oldest generation your workers have (such as \"Fermi\")."
			}
			if slices.Contains(client.ImageFields, f) {
				diags.AddAttributeError(path.Root(f), "Invalid Docker Image "+titleCase(f), detail)
			} else {
				diags.AddError("Docker Image Rejected", detail)
			}
		}
		return
	}
	diags.AddError("UFDL Request Failed", fmt.Sprintf("Could not %s: %s", action, ae.Error()))
}
