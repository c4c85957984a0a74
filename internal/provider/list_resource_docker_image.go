// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The ufdl_dockerimage list resource (Terraform 1.14 and later) lets `terraform query` find
// images of the catalog with the same filter language and shortcuts as the ufdl_dockerimages
// data source, and, with -generate-config-out, write the configuration and import blocks
// that bring them under management.

var (
	_ list.ListResource                   = (*dockerImageListResource)(nil)
	_ list.ListResourceWithConfigure      = (*dockerImageListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*dockerImageListResource)(nil)
)

// NewDockerImageListResource returns the ufdl_dockerimage list resource.
func NewDockerImageListResource() list.ListResource {
	return &dockerImageListResource{}
}

type dockerImageListResource struct {
	data *providerData
}

func (r *dockerImageListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dockerimage"
}

func (r *dockerImageListResource) ListResourceConfigSchema(ctx context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	// The arguments are exactly those of ufdl_dockerimages, converted to list schema types.
	var ds dockerImagesDataSource
	var dsResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &dsResp)
	attrs := map[string]listschema.Attribute{}
	for name, a := range dsResp.Schema.Attributes {
		if a.IsComputed() || name == "read_registry_passwords" {
			continue // the data source's results; query results never carry passwords
		}
		attrs[name] = toListAttribute(a)
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds docker images of the catalog for `terraform query` (Terraform 1.14 and later), " +
			"with the same shortcut arguments and `filter` / `order_by` blocks as the `ufdl_dockerimages` data source. " +
			"Each result carries the image's identity, and with `include_resource = true` its full state, so that " +
			"`terraform query -generate-config-out=FILE` writes configuration and import blocks for it.",
		Attributes: attrs,
		Blocks:     toListBlocks(dsResp.Schema.Blocks),
	}
}

func (r *dockerImageListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *dockerImageListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg dockerImagesQuery
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, _, diags := buildDockerImagesFilter(ctx, cfg)
	resp.Diagnostics.Append(diags...)
}

func (r *dockerImageListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg dockerImagesQuery
	diags := req.Config.Get(ctx, &cfg)
	filter, _, fdiags := buildDockerImagesFilter(ctx, cfg)
	diags.Append(fdiags...)
	if !diags.HasError() {
		_, ldiags := r.data.lookUp(ctx, cfg.lookupChecks()...)
		diags.Append(ldiags...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	images, err := r.data.client.ListImages(ctx, filter)
	if err != nil {
		addImageAPIError(&diags, "list docker images", nil, err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var lk *client.Lookups
	if req.IncludeResource {
		if lk, err = r.data.client.Lookups(ctx, client.TableDomains); err != nil {
			addImageAPIError(&diags, "load the server's lookup tables", nil, err)
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
	}

	stream.Results = func(push func(list.ListResult) bool) {
		for i := range images {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			img := &images[i]
			res := req.NewListResult(ctx)
			res.DisplayName = img.Name + ":" + img.Version + " (pk " + strconv.FormatInt(img.PK, 10) + ")"
			res.Diagnostics.Append(res.Identity.Set(ctx, dockerImageIdentity{
				PK: types.Int64Value(img.PK), Name: types.StringValue(img.Name), Version: types.StringValue(img.Version),
			})...)
			if req.IncludeResource {
				m := dockerImageModel{RegistryPasswordWOVersion: types.Int64Null()}
				flattenImage(img, lk, &m)
				m.RegistryPassword = types.StringNull() // never read: a configuration written from it omits the password
				res.Diagnostics.Append(res.Resource.Set(ctx, &m)...)
			}
			if !push(res) {
				return
			}
		}
	}
}

// toListAttribute converts an argument of the data source schema to the list schema.
func toListAttribute(a dsschema.Attribute) listschema.Attribute {
	switch a := a.(type) {
	case dsschema.StringAttribute:
		return listschema.StringAttribute{MarkdownDescription: a.MarkdownDescription, Required: a.Required, Optional: a.Optional, Validators: a.Validators}
	case dsschema.BoolAttribute:
		return listschema.BoolAttribute{MarkdownDescription: a.MarkdownDescription, Required: a.Required, Optional: a.Optional, Validators: a.Validators}
	case dsschema.Int64Attribute:
		return listschema.Int64Attribute{MarkdownDescription: a.MarkdownDescription, Required: a.Required, Optional: a.Optional, Validators: a.Validators}
	}
	panic(fmt.Sprintf("toListAttribute: no conversion for %T; add one", a))
}

// toListBlocks converts the data source's filter blocks to the list schema.
func toListBlocks(blocks map[string]dsschema.Block) map[string]listschema.Block {
	out := make(map[string]listschema.Block, len(blocks))
	for name, b := range blocks {
		switch b := b.(type) {
		case dsschema.ListNestedBlock:
			out[name] = listschema.ListNestedBlock{
				MarkdownDescription: b.MarkdownDescription,
				Validators:          b.Validators,
				NestedObject: listschema.NestedBlockObject{
					Attributes: toListAttributes(b.NestedObject.Attributes),
					Blocks:     toListBlocks(b.NestedObject.Blocks),
				},
			}
		case dsschema.SingleNestedBlock:
			out[name] = listschema.SingleNestedBlock{
				MarkdownDescription: b.MarkdownDescription,
				Validators:          b.Validators,
				Attributes:          toListAttributes(b.Attributes),
				Blocks:              toListBlocks(b.Blocks),
			}
		default:
			panic(fmt.Sprintf("toListBlocks: no conversion for %T; add one", b))
		}
	}
	return out
}

func toListAttributes(attrs map[string]dsschema.Attribute) map[string]listschema.Attribute {
	out := make(map[string]listschema.Attribute, len(attrs))
	for name, a := range attrs {
		out[name] = toListAttribute(a)
	}
	return out
}
