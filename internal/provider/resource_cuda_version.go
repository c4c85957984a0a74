// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

type cudaVersionResourceModel struct {
	rowIDs
	Version          cudaVersionValue `tfsdk:"version"`
	FullVersion      types.String     `tfsdk:"full_version"`
	MinDriverVersion types.String     `tfsdk:"min_driver_version"`
}

// NewCUDAVersionResource returns the ufdl_cuda_version resource.
func NewCUDAVersionResource() resource.Resource { return newCatalogResource(cudaVersionSpec()) }

// cudaVersionSpec sets ufdl_cuda_version apart from the other catalog resources; its list resource shares it.
func cudaVersionSpec() catalogSpec[cudaVersionResourceModel, client.CUDAVersion] {
	return catalogSpec[cudaVersionResourceModel, client.CUDAVersion]{
		typeName: "_cuda_version", kind: cudaKind,
		description: "A CUDA version of the UFDL catalog, e.g. `12.4`, with the full version and the oldest driver that runs it. " +
			"Images name it with `cuda_version`: write `cuda_version = ufdl_cuda_version.x.version`, so that Terraform creates it before " +
			"the images and destroys it after them.",
		attributes: map[string]schema.Attribute{
			"version": schema.StringAttribute{
				MarkdownDescription: "The version as images name it, e.g. `12.4`: a decimal of at most 4 digits, 3 before the point and 1 after it " +
					"(the server's column). Unique on the server, compared as a number: `12.4` and `12.40` are one version, `12` is `12.0`. " +
					"The provider sends it in the server's form (`12.4`); state keeps it as written.",
				Required:   true,
				CustomType: cudaVersionType{},
			},
			"full_version":       textAttribute("Full version, e.g. `12.4.1`. Unique on the server.", client.MaxCUDAText),
			"min_driver_version": textAttribute("Oldest NVIDIA driver that supports it, e.g. `550.54.15`.", client.MaxCUDAText),
		},
		uniqueAttrs: []string{"version", "full_version"},
		keyAttrs:    []string{"version"},
		keys: func(m *cudaVersionResourceModel) ([]string, bool) {
			return []string{client.CUDAVersionKey(m.Version.ValueString()), m.FullVersion.ValueString()}, known(m.Version) && known(m.FullVersion)
		},
		rowKeys:   func(r client.CUDAVersion) []string { return []string{client.CUDAVersionKey(r.Version), r.FullVersion} },
		importKey: func(p []string) client.Fields { return client.Fields{client.FieldVersion: client.CUDAVersionKey(p[0])} },
		// The version is sent in the server's form: its column refuses "12.40" and "012.4" as
		// written (too many digits), although they are the decimal it stores as "12.4".
		fields: func(m *cudaVersionResourceModel) client.Fields {
			return client.Fields{client.FieldVersion: client.CUDAVersionKey(m.Version.ValueString()), client.FieldFullVersion: m.FullVersion.ValueString(),
				client.FieldMinDriverVersion: m.MinDriverVersion.ValueString()}
		},
		fill: func(m *cudaVersionResourceModel, r client.CUDAVersion) {
			m.Version, m.FullVersion, m.MinDriverVersion = cudaVersion(r.Version), types.StringValue(r.FullVersion), types.StringValue(r.MinDriverVersion)
		},
		planned: func(m *cudaVersionResourceModel) client.CUDAVersion {
			return client.CUDAVersion{PK: m.PK.ValueInt64(), Version: client.CUDAVersionKey(m.Version.ValueString()),
				FullVersion: m.FullVersion.ValueString(), MinDriverVersion: m.MinDriverVersion.ValueString()}
		},
		check: func(m *cudaVersionResourceModel, _ []client.CUDAVersion) diag.Diagnostics {
			if !known(m.Version) {
				return nil
			}
			if problem := cudaVersionProblem(m.Version.ValueString()); problem != "" {
				return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("version"), "Invalid CUDA Version",
					fmt.Sprintf("version = %q is not a version the server can store: %s. Write it as digits with at most one decimal place, e.g. %q.",
						m.Version.ValueString(), strings.TrimSuffix(problem, "."), "12.4"))}
			}
			return nil
		},
	}
}

// cudaVersionProblem says, in the server's words for the version as written, why version is
// no decimal the server's column can hold; "" when it is one. A version is sent in the
// server's form, so "12.40" is fine although the column refuses it as written.
func cudaVersionProblem(version string) string {
	if client.CUDAVersionProblem(client.CUDAVersionKey(version)) == "" {
		return ""
	}
	if problem := client.CUDAVersionProblem(version); problem != "" {
		return problem
	}
	return client.CUDAVersionProblem(client.CUDAVersionKey(version))
}
