// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The list resources of the five catalog tables (Terraform 1.14 and later) let `terraform
// query` find rows by natural key, and, with -generate-config-out, write the configuration
// and import blocks that bring them under management. One implementation serves all five,
// from the catalogSpec of each table's resource: what the list writes is what the resource's
// Read would.

var (
	_ list.ListResource              = (*catalogListResource[frameworkResourceModel, client.Framework])(nil)
	_ list.ListResourceWithConfigure = (*catalogListResource[frameworkResourceModel, client.Framework])(nil)
)

// NewFrameworkListResource returns the ufdl_framework list resource.
func NewFrameworkListResource() list.ListResource { return newCatalogListResource(frameworkSpec()) }

// NewCUDAVersionListResource returns the ufdl_cuda_version list resource.
func NewCUDAVersionListResource() list.ListResource { return newCatalogListResource(cudaVersionSpec()) }

// NewHardwareGenerationListResource returns the ufdl_hardware_generation list resource.
func NewHardwareGenerationListResource() list.ListResource {
	return newCatalogListResource(hardwareGenerationSpec())
}

// NewLicenceListResource returns the ufdl_licence list resource.
func NewLicenceListResource() list.ListResource { return newCatalogListResource(licenceSpec()) }

// NewJobContractListResource returns the ufdl_job_contract list resource.
func NewJobContractListResource() list.ListResource { return newCatalogListResource(jobContractSpec()) }

// containsAttr is the list argument that matches part of a row's first key attribute.
const containsAttr = "contains"

// catalogListResource is the list resource of one catalog table. It holds the table's
// resource for the mapping they share: natural key, identity and state.
type catalogListResource[M any, R client.Row] struct {
	res catalogResource[M, R]
}

func newCatalogListResource[M any, R client.Row](spec catalogSpec[M, R]) list.ListResource {
	return &catalogListResource[M, R]{res: catalogResource[M, R]{spec: spec}}
}

func (l *catalogListResource[M, R]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.res.spec.typeName
}

func (l *catalogListResource[M, R]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	spec := l.res.spec
	noun := spec.kind.noun
	attrs := map[string]listschema.Attribute{}
	for _, a := range spec.keyAttrs {
		desc := fmt.Sprintf("Only the %s whose `%s` is exactly this (case-sensitive).", noun, a)
		if l.res.numericKey() {
			desc = fmt.Sprintf("Only the %s whose `%s` is this number: `12` finds `12.0`.", noun, a)
		}
		attrs[a] = listschema.StringAttribute{MarkdownDescription: desc, Optional: true}
	}
	attrs[containsAttr] = listschema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Only the %ss whose `%s` contains this text, ignoring case.", noun, spec.keyAttrs[0]),
		Optional:            true,
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds %ss of the catalog for `terraform query` (Terraform 1.14 and later), all of them or those the "+
			"arguments select, in the order of their primary keys. Each result carries the %s's identity (`pk` and %s), and with "+
			"`include_resource = true` its full state, so that `terraform query -generate-config-out=FILE` writes configuration and "+
			"import blocks for it.", noun, noun, docChoices(spec.keyAttrs)),
		Attributes: attrs,
	}
}

func (l *catalogListResource[M, R]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.res.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

func (l *catalogListResource[M, R]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	args := map[string]types.String{}
	for _, a := range append(slices.Clone(l.res.spec.keyAttrs), containsAttr) {
		var v types.String
		diags.Append(req.Config.GetAttribute(ctx, path.Root(a), &v)...)
		args[a] = v
	}
	var rows []R
	if !diags.HasError() {
		table, err := l.res.data.client.Lookups(ctx, l.res.spec.kind.table)
		if err != nil {
			addImageAPIError(&diags, "list the server's "+l.res.spec.kind.noun+"s", nil, err)
		} else {
			rows = slices.SortedFunc(slices.Values(client.Rows[R](table)), func(a, b R) int {
				return cmp.Compare(client.PKOf(a), client.PKOf(b))
			})
		}
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		for _, row := range rows {
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			parts := l.res.importParts(row)
			if !l.selects(args, parts) {
				continue
			}
			n++
			pk := client.PKOf(row)
			var m M
			l.res.spec.fill(&m, row)
			ids(&m).set(pk)
			res := req.NewListResult(ctx)
			res.DisplayName = strings.Join(parts, ":") + " (pk " + strconv.FormatInt(pk, 10) + ")"
			res.Diagnostics.Append(l.res.setIdentity(ctx, res.Identity, &m)...)
			if req.IncludeResource {
				res.Diagnostics.Append(res.Resource.Set(ctx, &m)...)
			}
			if !push(res) {
				return
			}
		}
	}
}

// selects reports whether a row whose natural key is parts (one per key attribute) is one
// that args ask for.
func (l *catalogListResource[M, R]) selects(args map[string]types.String, parts []string) bool {
	for i, a := range l.res.spec.keyAttrs {
		want := args[a]
		switch {
		case want.IsNull() || want.IsUnknown():
		case l.res.numericKey():
			if client.CUDAVersionKey(want.ValueString()) != client.CUDAVersionKey(parts[i]) {
				return false
			}
		case want.ValueString() != parts[i]:
			return false
		}
	}
	sub := args[containsAttr]
	return sub.IsNull() || sub.IsUnknown() || strings.Contains(strings.ToLower(parts[0]), strings.ToLower(sub.ValueString()))
}
