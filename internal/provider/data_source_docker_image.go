// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Ensure dockerImageDataSource satisfies the framework interfaces it implements.
var (
	_ datasource.DataSource                     = (*dockerImageDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*dockerImageDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*dockerImageDataSource)(nil)
)

// NewDockerImageDataSource returns the ufdl_dockerimage data source.
func NewDockerImageDataSource() datasource.DataSource {
	return &dockerImageDataSource{}
}

type dockerImageDataSource struct {
	data *providerData
}

func (d *dockerImageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dockerimage"
}

func (d *dockerImageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := imageResultAttributes()
	attrs["read_registry_passwords"] = readRegistryPasswordsAttribute()
	// Optional: what the image is looked up by.
	attrs["pk"] = schema.Int64Attribute{
		MarkdownDescription: "Primary key of the image to read. Set either `pk`, or `name` and `version`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the image to read, e.g. `yolo`; requires `version`. Set either `pk`, or `name` and `version`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("version"))},
	}
	attrs["version"] = schema.StringAttribute{
		MarkdownDescription: "Version of the image to read, e.g. `v7_2022-10-08_cuda11.1`; requires `name`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("name"))},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one docker image of the UFDL catalog, by primary key or by name and version, " +
			"in the forms the `ufdl_dockerimage` resource uses. Fails when no image matches.",
		Attributes: attrs,
	}
}

func (d *dockerImageDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("pk"), path.MatchRoot("name")),
	}
}

func (d *dockerImageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

// dockerImageDataModel is the data source's model: one image, and the opt-in to its password.
type dockerImageDataModel struct {
	imageResultModel
	ReadRegistryPasswords types.Bool `tfsdk:"read_registry_passwords"`
}

func (d *dockerImageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg dockerImageDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var filter client.Filter
	var wanted string
	if !cfg.PK.IsNull() {
		filter.Expressions = []client.Expression{{Type: client.ExprExact, Field: "pk", Value: cfg.PK.ValueInt64()}}
		wanted = fmt.Sprintf("with pk %d", cfg.PK.ValueInt64())
	} else {
		filter.Expressions = []client.Expression{
			{Type: client.ExprExact, Field: "name", Value: cfg.Name.ValueString()},
			{Type: client.ExprExact, Field: "version", Value: cfg.Version.ValueString()},
		}
		wanted = namedVersion(cfg.Name.ValueString(), cfg.Version.ValueString())
	}
	images, err := d.data.client.ListImages(ctx, &filter)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "look up the docker image "+wanted, nil, err)
		return
	}
	switch len(images) {
	case 0:
		hint := "Check the number, or look the image up by name and version."
		if cfg.PK.IsNull() {
			hint = "Check the spelling (both are case-sensitive); the ufdl_dockerimages data source lists images by a looser filter."
		}
		resp.Diagnostics.AddError("Docker Image Not Found", fmt.Sprintf("The server holds no docker image %s. %s", wanted, hint))
		return
	case 1:
	default:
		pks := make([]string, len(images))
		for i, img := range images {
			pks[i] = fmt.Sprint(img.PK)
		}
		resp.Diagnostics.AddError("Several Docker Images Match",
			fmt.Sprintf("The server holds %d docker images %s (pks %s), although name and version should be unique. "+
				"Read the one you mean by pk.", len(images), wanted, strings.Join(pks, ", ")))
		return
	}

	results, diags := d.data.imageResults(ctx, images, cfg.ReadRegistryPasswords.ValueBool())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.imageResultModel = results[0]
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
