// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

type frameworkResourceModel struct {
	rowIDs
	Name    types.String `tfsdk:"name"`
	Version types.String `tfsdk:"version"`
}

// NewFrameworkResource returns the ufdl_framework resource.
func NewFrameworkResource() resource.Resource { return newCatalogResource(frameworkSpec()) }

// frameworkSpec sets ufdl_framework apart from the other catalog resources; its list resource shares it.
func frameworkSpec() catalogSpec[frameworkResourceModel, client.Framework] {
	return catalogSpec[frameworkResourceModel, client.Framework]{
		typeName: "_framework", kind: frameworkNamedKind,
		description: "A framework of the UFDL catalog, e.g. `yolo` `v8`: the library a docker image trains or predicts with. " +
			"Images name it with `framework_name` and `framework_version` (or by `pk`): write " +
			"`framework_name = ufdl_framework.x.name` and `framework_version = ufdl_framework.x.version`, so that Terraform " +
			"creates the framework before the images and destroys it after them. (Name, version) is unique on the server.",
		attributes: map[string]schema.Attribute{
			"name":    textAttribute("Framework name, e.g. `yolo`.", client.MaxFrameworkName),
			"version": textAttribute("Framework version, e.g. `v8`. Together with `name` unique on the server.", client.MaxFrameworkVersion),
		},
		uniqueAttrs: []string{"name"},
		keyAttrs:    []string{"name", "version"},
		keys: func(m *frameworkResourceModel) ([]string, bool) {
			return []string{frameworkKey(m.Name.ValueString(), m.Version.ValueString())}, known(m.Name) && known(m.Version)
		},
		rowKeys: func(r client.Framework) []string { return []string{frameworkKey(r.Name, r.Version)} },
		importKey: func(p []string) client.Fields {
			return client.Fields{client.FieldName: p[0], client.FieldVersion: p[1]}
		},
		fields: func(m *frameworkResourceModel) client.Fields {
			return client.Fields{client.FieldName: m.Name.ValueString(), client.FieldVersion: m.Version.ValueString()}
		},
		fill: func(m *frameworkResourceModel, r client.Framework) {
			m.Name, m.Version = types.StringValue(r.Name), types.StringValue(r.Version)
		},
		planned: func(m *frameworkResourceModel) client.Framework {
			return client.Framework{PK: m.PK.ValueInt64(), Name: m.Name.ValueString(), Version: m.Version.ValueString()}
		},
	}
}

// textAttribute is a required text column of at most size characters: the server trims
// white space and refuses blanks, so neither is written.
func textAttribute(description string, size int) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description + fmt.Sprintf(" At most %d characters.", size),
		Required:            true,
		Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, size), noSurroundingSpace()},
	}
}
