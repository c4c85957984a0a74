// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

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
		if strings.TrimSpace(s.client.Password) != s.client.Password {
			hint = " The password begins or ends with white space; check that this is intended."
		}
		diags.AddError("UFDL Login Failed",
			fmt.Sprintf("The server at %s refused to log in user %q: %s. Check username (%s) and password (%s).%s",
				s.client.Host, s.client.Username, strings.TrimSuffix(le.Detail, "."), envUsername, envPassword, hint))
	case errors.As(err, &ce):
		diags.AddAttributeError(path.Root("host"), "UFDL Server Unreachable",
			fmt.Sprintf("No UFDL server answered at %s: %s. Check host (%s), that the server is running, and the TLS settings.",
				ce.URL(), ce.Reason(), envHost))
	default:
		diags.AddError("UFDL Login Failed", fmt.Sprintf("Logging in to %s as %q failed: %s. Check that host (%s) is the address of the UFDL server itself.",
			s.client.Host, s.client.Username, strings.TrimSuffix(err.Error(), "."), envHost))
	}
}

// imageRef names the image a failed call concerned, for the errors that need it.
type imageRef struct {
	name, version string
	creating      bool  // a create
	pending       bool  // a create whose outcome is unknown, recorded in state
	existingPK    int64 // the image that holds (name, version), when known
}

// imageExists is the one diagnostic for a (name, version) that another image already has.
// pk is that image's, 0 when unknown. creating adds the one cause that only a create can
// have: the create half of a replacement with create_before_destroy, whose old image still
// holds the name.
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
		detail += " If this block replaces that image with lifecycle { create_before_destroy = true }, the two cannot exist at once: " +
			"give the replacement another version. The existing image was not changed."
	}
	return diag.NewAttributeErrorDiagnostic(p, "Docker Image Already Exists", detail)
}

// addImageAPIError turns an error from an image call into diagnostics, mapping DRF field
// errors onto the attributes they belong to and adding the fix for the errors we recognise.
func addImageAPIError(diags *diag.Diagnostics, action string, ref *imageRef, err error) {
	var ae *client.APIError
	var ce *client.ConnectionError
	switch {
	case ref != nil && ref.pending:
		summary := "UFDL Request Failed"
		if errors.As(err, &ce) {
			summary = "UFDL Server Unreachable"
		}
		diags.AddError(summary,
			fmt.Sprintf("Could not %s %s:%s: %s. The server may have stored it nevertheless, and could not be asked afterwards. "+
				"The state records the attempt: the next terraform plan or apply settles it by itself, adopting the image if the server holds it as sent "+
				"(Terraform marks it tainted, so that apply replaces it; terraform untaint keeps it as it is), or creating it if the server holds none. Nothing needs importing.",
				action, ref.name, ref.version, briefError(err)))
		return
	case errors.As(err, &ce):
		diags.AddError("UFDL Server Unreachable",
			fmt.Sprintf("Could not %s: the server did not answer at %s (%s). Nothing was changed that the provider knows of; run the command again when the server is back.",
				action, ce.URL(), ce.Reason()))
		return
	case !errors.As(err, &ae):
		diags.AddError("UFDL Request Failed", fmt.Sprintf("Could not %s: %s.", action, strings.TrimSuffix(err.Error(), ".")))
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

	if ref != nil && (client.IsDuplicate(err) || ref.existingPK > 0) {
		d := imageExists(path.Root("name"), ref.existingPK, ref.name, ref.version, ref.creating)
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
			switch {
			case f == client.FieldRegistryPassword:
				// Not at the attribute: its configuration line holds the secret when written as a literal.
				diags.AddError("Invalid Docker Image "+titleCase(f), detail)
			case slices.Contains(client.ImageFields, f):
				diags.AddAttributeError(path.Root(f), "Invalid Docker Image "+titleCase(f), detail)
			default:
				diags.AddError("Docker Image Rejected", detail)
			}
		}
		return
	}
	diags.AddError("UFDL Request Failed", fmt.Sprintf("Could not %s: %s", action, ae.Error()))
}

// briefError is err as a phrase for a message: a connection error by its reason.
func briefError(err error) string {
	var ce *client.ConnectionError
	if errors.As(err, &ce) {
		return fmt.Sprintf("the server did not answer at %s (%s)", ce.URL(), ce.Reason())
	}
	return strings.TrimSuffix(err.Error(), ".")
}
