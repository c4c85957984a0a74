// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
)

// This file maps internal/registry to Terraform: the provider settings of the registry
// check, the offline checks of ufdl_dockerimage at validate and plan, and the registry
// verification at plan.

const (
	envRegistryCheck          = "UFDL_REGISTRY_CHECK"
	envRegistryCheckUnchanged = "UFDL_REGISTRY_CHECK_UNCHANGED"

	registryCheckOff   = "off"
	registryCheckWarn  = "warn"
	registryCheckError = "error"
)

var registryCheckModes = []string{registryCheckOff, registryCheckWarn, registryCheckError}

// registrySettings are the resolved registry check settings.
type registrySettings struct {
	mode      string
	unchanged bool
}

// addRegistryCheckAttributes adds the registry check's settings to the provider schema.
func addRegistryCheckAttributes(attrs map[string]schema.Attribute) {
	attrs["registry_check"] = schema.StringAttribute{
		MarkdownDescription: "Whether `terraform plan` asks each image's registry for its manifest, as a worker's `docker pull` would: " +
			docChoices(registryCheckModes) + ". With `warn` an image that cannot be pulled is a warning, with `error` it fails the plan. " +
			"Only images the plan creates or changes are checked, unless `registry_check_unchanged` is set. " +
			"Defaults to `off`, so that machines without access to the registries see no difference. Environment variable: `" + envRegistryCheck + "`.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOf(registryCheckModes...)},
	}
	attrs["registry_check_unchanged"] = schema.BoolAttribute{
		MarkdownDescription: "With `registry_check`, also check the images the plan leaves unchanged: every image of the configuration on every plan, " +
			"for scheduled drift jobs (`terraform plan -detailed-exitcode`). Defaults to `false`. Environment variable: `" + envRegistryCheckUnchanged + "`.",
		Optional: true,
	}
}

// registry reads the registry check settings from the configuration, then the environment.
func (r *settingReader) registry(cfg providerModel) registrySettings {
	d := &r.diags
	s := registrySettings{mode: registryCheckOff}
	switch {
	case cfg.RegistryCheck.IsUnknown():
		d.AddAttributeError(path.Root("registry_check"), "Unknown Provider Setting",
			"registry_check depends on a value that is only known after apply; use a literal, a variable or "+envRegistryCheck+".")
	case !cfg.RegistryCheck.IsNull():
		s.mode = cfg.RegistryCheck.ValueString()
	default:
		if e, ok := r.lookupEnv(envRegistryCheck); ok && e != "" {
			s.mode = e
		}
	}
	if !slices.Contains(registryCheckModes, s.mode) {
		d.AddAttributeError(path.Root("registry_check"), "Invalid Registry Check",
			fmt.Sprintf("registry_check (or %s) must be %s; got %q.", envRegistryCheck, oneOf(registryCheckModes), s.mode))
		s.mode = registryCheckOff
	}
	s.unchanged = r.boolean(cfg.RegistryCheckUnchanged, "registry_check_unchanged", envRegistryCheckUnchanged, false)
	return s
}

// registryCheck is the registry checker of one provider process and how plans use it.
type registryCheck struct {
	registrySettings
	checker *registry.Checker
}

func newRegistryCheck(s settings) *registryCheck {
	return &registryCheck{registrySettings: s.registry, checker: registry.New(registry.Config{
		Timeout: s.client.RequestTimeout,
		Retries: s.client.MaxRetries,
		Logger:  tflogAdapter{},
	})}
}

// addFindings reports registry findings on the attributes they concern.
func addFindings(diags *diag.Diagnostics, findings []registry.Finding) {
	for _, f := range findings {
		if f.Severity == registry.Error {
			diags.AddAttributeError(path.Root(f.Field), f.Summary, f.Detail)
		} else {
			diags.AddAttributeWarning(path.Root(f.Field), f.Summary, f.Detail)
		}
	}
}

// validateImageEntry runs the offline checks of url and registry_url at validate time.
func validateImageEntry(cfg dockerImageModel, diags *diag.Diagnostics) {
	if cfg.URL.IsNull() || cfg.URL.IsUnknown() || checkURLShape(cfg.URL.ValueString()) != "" {
		return // unknown, or already reported by the url validator
	}
	registryURL := ""
	if !cfg.RegistryURL.IsUnknown() && !cfg.RegistryUsername.IsUnknown() {
		registryURL = cfg.RegistryURL.ValueString()
	}
	addFindings(diags, registry.CheckEntry(cfg.URL.ValueString(), registryURL, !cfg.RegistryUsername.IsNull()))
}

// checksUnchanged reports whether images the plan leaves unchanged are checked too.
func (rc *registryCheck) checksUnchanged() bool {
	return rc.mode != registryCheckOff && rc.unchanged
}

// needsHeldPassword reports whether checkImage needs the registry password that the server
// holds for an existing image whose configuration omits it: only to log in to the registry.
func (rc *registryCheck) needsHeldPassword(plan dockerImageModel) bool {
	return rc.mode != registryCheckOff && known(plan.URL) && known(plan.RegistryURL) && known(plan.RegistryUsername)
}

// checkImage checks the planned image against its registry: a username without any
// password for the server (for a changed image), and, with registry_check on, the manifest.
// password is the one the server will hold: null for none, unknown when not known yet.
func (rc *registryCheck) checkImage(ctx context.Context, plan dockerImageModel, password types.String, changed bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if changed && known(plan.RegistryUsername) && password.IsNull() {
		f := registry.MissingPassword(plan.RegistryUsername.ValueString(), plan.RegistryURL.ValueString())
		diags.AddAttributeError(path.Root(f.Field), f.Summary, f.Detail)
		return diags
	}
	if rc.mode == registryCheckOff || !known(plan.URL) || !known(plan.RegistryURL) || plan.RegistryUsername.IsUnknown() {
		return diags
	}
	ref, err := registry.ParseReference(plan.URL.ValueString())
	if err != nil {
		return diags // reported at validate
	}
	for _, f := range registry.CheckEntry(plan.URL.ValueString(), plan.RegistryURL.ValueString(), known(plan.RegistryUsername)) {
		if f.Severity == registry.Error {
			return diags // reported at validate; the pull cannot work as configured
		}
	}
	// The worker logs in only with a username, and only to registry_url: credentials count
	// for the pull when url is on that registry.
	var creds registry.Credentials
	if known(plan.RegistryUsername) && registry.RegistryHost(ref.Registry()) == registry.RegistryHost(plan.RegistryURL.ValueString()) {
		if password.IsUnknown() {
			return diags // known after apply: nothing to check with yet
		}
		creds = registry.Credentials{Username: plan.RegistryUsername.ValueString(), Password: password.ValueString()}
	}
	pull, warnings := rc.checker.Check(ctx, ref, creds)
	entry := fmt.Sprintf("Catalog entry %s:%s: ", plan.Name.ValueString(), plan.Version.ValueString())
	if pull != nil {
		f := registry.Finding{Severity: registry.Warning, Field: "url", Summary: pull.Summary, Detail: pull.Detail}
		if pull.Kind == registry.KindUnreachable {
			f.Detail += ` On machines without access to the registry set registry_check = "off".`
		}
		if rc.mode == registryCheckError {
			f.Severity = registry.Error
		}
		warnings = append([]registry.Finding{f}, warnings...)
	}
	for i := range warnings {
		warnings[i].Detail = entry + warnings[i].Detail
	}
	addFindings(&diags, warnings)
	return diags
}
