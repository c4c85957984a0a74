// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
func imageSpecFromModel(m dockerImageModel, wo types.String) client.ImageSpec {
	spec := client.ImageSpec{
		Name:             m.Name.ValueString(),
		Version:          m.Version.ValueString(),
		URL:              m.URL.ValueString(),
		RegistryURL:      m.RegistryURL.ValueString(),
		RegistryUsername: m.RegistryUsername.ValueStringPointer(),
		RegistryPassword: sendablePassword(m.RegistryPassword),
		CUDAVersion:      m.CUDAVersion.ValueString(),
		Framework:        m.Framework.ValueInt64(),
		Domain:           m.Domain.ValueString(),
		CPU:              m.CPU.ValueBool(),
		Licence:          m.Licence.ValueString(),
		Tasks:            setStrings(m.Tasks),
	}
	if known(wo) {
		spec.RegistryPassword = wo.ValueStringPointer()
	}
	if !m.MinHardwareGeneration.IsNull() {
		spec.MinHardwareGeneration = m.MinHardwareGeneration.ValueStringPointer()
	}
	return spec
}

// setStrings lists the known strings of a set, sorted; never nil.
func setStrings(set types.Set) []string {
	out := []string{}
	for _, e := range set.Elements() {
		if s, ok := e.(types.String); ok && known(s) {
			out = append(out, s.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// flattenImage copies a server response into m in the forms users write. It cannot fail
// and needs no network: the domain's code comes from m when the image's domain is the one m
// describes (a refresh without drift), else from lk's domains (see needsDomainTable).
// Attributes that only Terraform knows (the write-only password version) are kept from m.
// The registry password the server echoes is kept only where m holds the same one, which
// the user configured: state holds no password the user did not put there, and a password
// changed on the server shows as a difference (null) without being stored.
func flattenImage(img *client.Image, lk *client.Lookups, m *dockerImageModel) {
	m.ID = types.StringValue(strconv.FormatInt(img.PK, 10))
	m.PK = types.Int64Value(img.PK)
	m.Name = types.StringValue(img.Name)
	m.Version = types.StringValue(img.Version)
	m.URL = types.StringValue(img.URL)
	m.RegistryURL = types.StringValue(img.RegistryURL)
	m.RegistryUsername = types.StringPointerValue(img.RegistryUsername)
	m.RegistryPasswordWO = types.StringNull()
	if m.RegistryPasswordWOVersion.IsUnknown() {
		m.RegistryPasswordWOVersion = types.Int64Null()
	}
	m.RegistryPassword = storedPassword(*m, img.RegistryPassword)
	m.CUDAVersion = cudaVersion(img.CUDAVersion.Version)
	m.CUDAFullVersion = types.StringValue(img.CUDAVersion.FullVersion)
	m.Framework = types.Int64Value(img.Framework.PK)
	m.FrameworkName = types.StringValue(img.Framework.Name)
	m.FrameworkVersion = types.StringValue(img.Framework.Version)
	m.Domain = types.StringValue(domainCode(img.Domain, *m, lk))
	m.DomainDescription = types.StringValue(img.Domain)
	m.Tasks = stringSet(img.Tasks)
	if img.MinHardwareGeneration != nil {
		m.MinHardwareGeneration = types.StringValue(img.MinHardwareGeneration.Generation)
	} else {
		m.MinHardwareGeneration = types.StringNull()
	}
	m.CPU = types.BoolValue(img.CPU)
	m.Licence = types.StringValue(img.Licence)
}

// needsDomainTable reports whether mapping img onto m needs the domain table: the image's
// domain is not the one m describes.
func needsDomainTable(img *client.Image, m dockerImageModel) bool {
	return !known(m.Domain) || m.DomainDescription.ValueString() != img.Domain
}

// domainCode is the code of the domain described as description: m's when m describes that
// domain, else lk's. Should neither know it (a domain table changed since it was read; the
// real backend's cannot change), it is the description itself, which the next plan shows as
// a difference from the configured code.
func domainCode(description string, m dockerImageModel, lk *client.Lookups) string {
	if known(m.Domain) && m.DomainDescription.ValueString() == description {
		return m.Domain.ValueString()
	}
	if lk != nil {
		if d, ok := lk.DomainByDescription(description); ok {
			return d.Name
		}
	}
	return description
}

// stringSet is s as a set value; never null.
func stringSet(s []string) types.Set {
	elems := make([]attr.Value, len(s))
	for i, v := range s {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// sendablePassword is the registry password of a model as a request sends it: nil when
// the model holds none, or only notStored.
func sendablePassword(v types.String) *string {
	if !known(v) || v.ValueString() == notStored {
		return nil
	}
	return v.ValueStringPointer()
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

// passwordChanged says whether an update must send the registry password: the write-only
// one when its version changes; a null when the username goes (the server may hold a
// password); the configured one when it differs from state's. A password the plan does
// not hold (omitted, or notStored) is the server's to keep.
func passwordChanged(plan, state dockerImageModel) bool {
	switch {
	case !plan.RegistryPasswordWOVersion.IsNull():
		return !plan.RegistryPasswordWOVersion.Equal(state.RegistryPasswordWOVersion)
	case plan.RegistryUsername.IsNull():
		return !state.RegistryUsername.IsNull()
	case sendablePassword(plan.RegistryPassword) == nil:
		return false
	}
	return !plan.RegistryPassword.Equal(state.RegistryPassword)
}
