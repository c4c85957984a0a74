// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

type jobContractResourceModel struct {
	rowIDs
	Name types.String `tfsdk:"name"`
	Pkg  types.String `tfsdk:"pkg"`
	Cls  types.String `tfsdk:"cls"`
}

// NewJobContractResource returns the ufdl_job_contract resource.
func NewJobContractResource() resource.Resource { return newCatalogResource(jobContractSpec()) }

// jobContractSpec sets ufdl_job_contract apart from the other catalog resources; its list resource shares it.
func jobContractSpec() catalogSpec[jobContractResourceModel, client.JobContract] {
	return catalogSpec[jobContractResourceModel, client.JobContract]{
		typeName: "_job_contract", kind: taskKind,
		description: "A job contract of the UFDL catalog, e.g. `Train`: an interface that job templates fulfil, defined by a Python class. " +
			"Images list the contracts they serve in `tasks`: write `tasks = [ufdl_job_contract.x.name]`, so that Terraform creates it before " +
			"the images and destroys it after them.",
		attributes: map[string]schema.Attribute{
			"name": textAttribute("The name images use in `tasks`, e.g. `Train`. Unique on the server.", client.MaxJobContractName),
			"pkg":  textAttribute("The Python package that exports the contract's class, e.g. `ufdl.jobcontracts`.", client.MaxJobContractPkg),
			"cls":  textAttribute("The class that implements the contract, as exported from `pkg`, e.g. `ufdl.jobcontracts.standard.Train`. Unique on the server.", client.MaxJobContractCls),
		},
		uniqueAttrs: []string{"name", "cls"},
		keyAttrs:    []string{"name"},
		keys: func(m *jobContractResourceModel) ([]string, bool) {
			return []string{m.Name.ValueString(), m.Cls.ValueString()}, known(m.Name) && known(m.Cls)
		},
		rowKeys:   func(r client.JobContract) []string { return []string{r.Name, r.Cls} },
		importKey: func(p []string) client.Fields { return client.Fields{client.FieldName: p[0]} },
		fields: func(m *jobContractResourceModel) client.Fields {
			return client.Fields{client.FieldName: m.Name.ValueString(), client.FieldPkg: m.Pkg.ValueString(), client.FieldCls: m.Cls.ValueString()}
		},
		fill: func(m *jobContractResourceModel, r client.JobContract) {
			m.Name, m.Pkg, m.Cls = types.StringValue(r.Name), types.StringValue(r.Pkg), types.StringValue(r.Cls)
		},
		planned: func(m *jobContractResourceModel) client.JobContract {
			return client.JobContract{PK: m.PK.ValueInt64(), Name: m.Name.ValueString(), Pkg: m.Pkg.ValueString(), Cls: m.Cls.ValueString()}
		},
	}
}
