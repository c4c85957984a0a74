package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Column sizes of the server's docker image table.
const (
	maxName       = 64
	maxVersion    = 32
	maxURL        = 200
	maxCredential = 64
)

// imageSpecFromModel builds the request form of an image from a plan. wo is the write-only
// password from the configuration; when set it is what the server receives.
func imageSpecFromModel(ctx context.Context, m dockerImageModel, wo types.String) (client.ImageSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := client.ImageSpec{
		Name:             m.Name.ValueString(),
		Version:          m.Version.ValueString(),
		URL:              m.URL.ValueString(),
		RegistryURL:      m.RegistryURL.ValueString(),
		RegistryUsername: m.RegistryUsername.ValueStringPointer(),
		RegistryPassword: knownStringPointer(m.RegistryPassword),
		CUDAVersion:      m.CUDAVersion.ValueString(),
		Framework:        m.Framework.ValueInt64(),
		Domain:           m.Domain.ValueString(),
		CPU:              m.CPU.ValueBool(),
		Licence:          m.Licence.ValueString(),
	}
	if !wo.IsNull() && !wo.IsUnknown() {
		spec.RegistryPassword = wo.ValueStringPointer()
	}
	if !m.MinHardwareGeneration.IsNull() {
		spec.MinHardwareGeneration = m.MinHardwareGeneration.ValueStringPointer()
	}
	spec.Tasks = []string{}
	if !m.Tasks.IsNull() && !m.Tasks.IsUnknown() {
		diags.Append(m.Tasks.ElementsAs(ctx, &spec.Tasks, false)...)
	}
	slices.Sort(spec.Tasks)
	return spec, diags
}

// flattenImage copies a server response into m in the forms users write. Attributes that only
// Terraform knows (the write-only password version) are kept from m; when the write-only
// password is in use, the password the server echoes back is not stored.
func flattenImage(ctx context.Context, img *client.Image, lk *client.Lookups, m *dockerImageModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(strconv.FormatInt(img.PK, 10))
	m.PK = types.Int64Value(img.PK)
	m.Name = types.StringValue(img.Name)
	m.Version = types.StringValue(img.Version)
	m.URL = types.StringValue(img.URL)
	m.RegistryURL = types.StringValue(img.RegistryURL)
	m.RegistryUsername = types.StringPointerValue(img.RegistryUsername)
	m.RegistryPasswordWO = types.StringNull()
	if m.RegistryPasswordWOVersion.IsNull() || m.RegistryPasswordWOVersion.IsUnknown() {
		m.RegistryPasswordWOVersion = types.Int64Null()
		m.RegistryPassword = types.StringPointerValue(img.RegistryPassword)
	} else {
		m.RegistryPassword = types.StringNull()
	}
	m.CUDAVersion = types.StringValue(img.CUDAVersion.Version)
	m.CUDAFullVersion = types.StringValue(img.CUDAVersion.FullVersion)
	m.Framework = types.Int64Value(img.Framework.PK)
	m.FrameworkName = types.StringValue(img.Framework.Name)
	m.FrameworkVersion = types.StringValue(img.Framework.Version)
	m.DomainDescription = types.StringValue(img.Domain)
	if d, ok := lk.DomainByDescription(img.Domain); ok {
		m.Domain = types.StringValue(d.Name)
	} else {
		diags.AddError("Unknown Domain In Server Response",
			fmt.Sprintf("Docker image %d has domain %q, which is not the description of a domain of the server (%s). The server's domain table changed while Terraform ran; run the command again.",
				img.PK, img.Domain, oneOf(lk.DomainCodes())))
	}
	tasks, d := types.SetValueFrom(ctx, types.StringType, nonNil(img.Tasks))
	diags.Append(d...)
	m.Tasks = tasks
	if img.MinHardwareGeneration != nil {
		m.MinHardwareGeneration = types.StringValue(img.MinHardwareGeneration.Generation)
	} else {
		m.MinHardwareGeneration = types.StringNull()
	}
	m.CPU = types.BoolValue(img.CPU)
	m.Licence = types.StringValue(img.Licence)
	return diags
}

// knownStringPointer is v as a pointer, nil when v is null or unknown.
func knownStringPointer(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueStringPointer()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// changedFields lists the API fields whose planned value differs from state: the body of a PATCH.
func changedFields(plan, state dockerImageModel) []string {
	var fields []string
	add := func(changed bool, field string) {
		if changed {
			fields = append(fields, field)
		}
	}
	add(!plan.Name.Equal(state.Name), client.FieldName)
	add(!plan.Version.Equal(state.Version), client.FieldVersion)
	add(!plan.URL.Equal(state.URL), client.FieldURL)
	add(!plan.RegistryURL.Equal(state.RegistryURL), client.FieldRegistryURL)
	add(!plan.RegistryUsername.Equal(state.RegistryUsername), client.FieldRegistryUsername)
	add(passwordChanged(plan, state), client.FieldRegistryPassword)
	add(!plan.CUDAVersion.Equal(state.CUDAVersion), client.FieldCUDAVersion)
	add(!plan.Framework.Equal(state.Framework), client.FieldFramework)
	add(!plan.Domain.Equal(state.Domain), client.FieldDomain)
	add(!plan.Tasks.Equal(state.Tasks), client.FieldTasks)
	add(!plan.MinHardwareGeneration.Equal(state.MinHardwareGeneration), client.FieldMinHardwareGeneration)
	add(!plan.CPU.Equal(state.CPU), client.FieldCPU)
	add(!plan.Licence.Equal(state.Licence), client.FieldLicence)
	return fields
}

// passwordChanged says whether an update must send the registry password, as planned by
// plannedPassword: the write-only one when its version changes; a null when the username
// goes and the server may hold a password; otherwise the planned value when it differs from
// state. An unknown plan means "keep the server's".
func passwordChanged(plan, state dockerImageModel) bool {
	heldWriteOnly := !state.RegistryPasswordWOVersion.IsNull()
	switch {
	case !plan.RegistryPasswordWOVersion.IsNull():
		return !plan.RegistryPasswordWOVersion.Equal(state.RegistryPasswordWOVersion)
	case plan.RegistryPassword.IsUnknown():
		return false
	case plan.RegistryUsername.IsNull():
		return !state.RegistryPassword.IsNull() || heldWriteOnly
	}
	return !plan.RegistryPassword.Equal(state.RegistryPassword)
}

// markChangedDetailsUnknown makes the computed details of a changed lookup "known after
// apply": they come from the server's answer, and the state's copy describes the old value.
func markChangedDetailsUnknown(plan *dockerImageModel, state dockerImageModel) {
	if !plan.CUDAVersion.Equal(state.CUDAVersion) {
		plan.CUDAFullVersion = types.StringUnknown()
	}
	if !plan.Domain.Equal(state.Domain) {
		plan.DomainDescription = types.StringUnknown()
	}
}

// imageLookupChecks lists the lookup values of plan to find on the server: every known one
// of a new image, only those that differ from state for an existing one (the server
// accepted the others already). The framework is resolved by planFramework.
func imageLookupChecks(plan, state dockerImageModel, creating bool) []lookupCheck {
	var out []lookupCheck
	changed := func(v, old attr.Value) bool {
		return !v.IsNull() && !v.IsUnknown() && (creating || !v.Equal(old))
	}
	if changed(plan.CUDAVersion, state.CUDAVersion) {
		out = append(out, checkString(path.Root("cuda_version"), cudaKind, plan.CUDAVersion.ValueString(), hasCUDA))
	}
	if changed(plan.Domain, state.Domain) {
		out = append(out, checkString(path.Root("domain"), domainKind, plan.Domain.ValueString(), hasDomain))
	}
	if changed(plan.MinHardwareGeneration, state.MinHardwareGeneration) {
		out = append(out, checkString(path.Root("min_hardware_generation"), hardwareKind, plan.MinHardwareGeneration.ValueString(), hasHardware))
	}
	if changed(plan.Licence, state.Licence) {
		out = append(out, checkString(path.Root("licence"), licenceKind, plan.Licence.ValueString(), hasLicence))
	}
	if changed(plan.Tasks, state.Tasks) {
		old := map[string]bool{}
		if !creating {
			for _, e := range state.Tasks.Elements() {
				if s, ok := e.(types.String); ok {
					old[s.ValueString()] = true
				}
			}
		}
		for _, e := range plan.Tasks.Elements() {
			s, ok := e.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() || old[s.ValueString()] {
				continue
			}
			out = append(out, checkString(path.Root("tasks"), taskKind, s.ValueString(), hasTask))
		}
	}
	return out
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strconv.Quote(v)
	}
	return out
}

// frameworkConfig is the framework as configured: by pk, or by name and version.
type frameworkConfig struct {
	pk            types.Int64
	name, version types.String
}

func (f frameworkConfig) byName() bool { return !f.name.IsNull() }

func (f frameworkConfig) unknown() bool {
	if f.byName() {
		return f.name.IsUnknown() || f.version.IsUnknown()
	}
	return f.pk.IsUnknown()
}

// sameAs reports whether f names the framework of state as state names it.
func (f frameworkConfig) sameAs(state dockerImageModel) bool {
	if f.byName() {
		return f.name.Equal(state.FrameworkName) && f.version.Equal(state.FrameworkVersion)
	}
	return f.pk.Equal(state.Framework)
}
