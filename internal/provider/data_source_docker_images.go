// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Ensure dockerImagesDataSource satisfies the framework interfaces it implements.
var (
	_ datasource.DataSource                   = (*dockerImagesDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*dockerImagesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*dockerImagesDataSource)(nil)
)

// NewDockerImagesDataSource returns the ufdl_dockerimages data source.
func NewDockerImagesDataSource() datasource.DataSource {
	return &dockerImagesDataSource{}
}

type dockerImagesDataSource struct {
	data *providerData
}

// dockerImagesQuery is the question asked of the catalog: the shortcuts, filter blocks and
// ordering that the ufdl_dockerimages data source and the ufdl_dockerimage list resource share.
type dockerImagesQuery struct {
	Name      types.String `tfsdk:"name"`
	Version   types.String `tfsdk:"version"`
	Domain    types.String `tfsdk:"domain"`
	CPU       types.Bool   `tfsdk:"cpu"`
	Framework types.Int64  `tfsdk:"framework"`
	Task      types.String `tfsdk:"task"`
	Licence   types.String `tfsdk:"licence"`
	Filter    types.List   `tfsdk:"filter"`
	OrderBy   types.List   `tfsdk:"order_by"`
}

// lookupChecks lists the shortcut values to find in the lookup tables: a typo there would
// otherwise select nothing, and an empty result is a valid answer that for_each turns into
// a plan to destroy.
func (q dockerImagesQuery) lookupChecks() []lookupCheck {
	var out []lookupCheck
	known := func(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
	if known(q.Domain) {
		out = append(out, checkString(path.Root("domain"), domainKind, q.Domain.ValueString(), hasDomain))
	}
	if known(q.Framework) {
		out = append(out, checkFramework(path.Root("framework"), q.Framework.ValueInt64()))
	}
	if known(q.Task) {
		out = append(out, checkString(path.Root("task"), taskKind, q.Task.ValueString(), hasTask))
	}
	if known(q.Licence) {
		out = append(out, checkString(path.Root("licence"), licenceKind, q.Licence.ValueString(), hasLicence))
	}
	return out
}

type dockerImagesModel struct {
	dockerImagesQuery
	ReadRegistryPasswords types.Bool         `tfsdk:"read_registry_passwords"`
	Images                []imageResultModel `tfsdk:"images"`
	PKs                   []int64            `tfsdk:"pks"`
}

// imageResultModel is one docker image as data sources return it: the attributes of the
// ufdl_dockerimage resource in the same forms, tasks as a sorted list.
type imageResultModel struct {
	ID                    types.String `tfsdk:"id"`
	PK                    types.Int64  `tfsdk:"pk"`
	Name                  types.String `tfsdk:"name"`
	Version               types.String `tfsdk:"version"`
	URL                   types.String `tfsdk:"url"`
	RegistryURL           types.String `tfsdk:"registry_url"`
	RegistryUsername      types.String `tfsdk:"registry_username"`
	RegistryPassword      types.String `tfsdk:"registry_password"`
	CUDAVersion           types.String `tfsdk:"cuda_version"`
	CUDAFullVersion       types.String `tfsdk:"cuda_full_version"`
	Framework             types.Int64  `tfsdk:"framework"`
	FrameworkName         types.String `tfsdk:"framework_name"`
	FrameworkVersion      types.String `tfsdk:"framework_version"`
	Domain                types.String `tfsdk:"domain"`
	DomainDescription     types.String `tfsdk:"domain_description"`
	Tasks                 []string     `tfsdk:"tasks"`
	MinHardwareGeneration types.String `tfsdk:"min_hardware_generation"`
	CPU                   types.Bool   `tfsdk:"cpu"`
	Licence               types.String `tfsdk:"licence"`
}

func (d *dockerImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dockerimages"
}

func (d *dockerImagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	shortcut := func(what string) string {
		return what + " Shortcut for an `exact` filter; combines with the other shortcuts and the `filter` blocks (all must match)."
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists docker images of the UFDL catalog that match a filter, in a chosen order. " +
			"The filtering and sorting happen on the server, in one list call. " +
			"Common questions are written with the shortcut arguments; everything else with `filter` blocks, " +
			"which express the server's whole filter language (`exact`, `contains`, `isnull`, `compare`, `and`, `or`, with `invert` and `case_insensitive`). " +
			"Results come in the forms the `ufdl_dockerimage` resource uses, so they can be copied into one. An empty result is an empty list.",
		Attributes: map[string]schema.Attribute{
			// Optional
			"name":                    schema.StringAttribute{MarkdownDescription: shortcut("Only images with exactly this name, e.g. `yolo`."), Optional: true},
			"version":                 schema.StringAttribute{MarkdownDescription: shortcut("Only images with exactly this version."), Optional: true},
			"domain":                  schema.StringAttribute{MarkdownDescription: shortcut("Only images of the domain with this two-letter code, e.g. `od` (Object Detection)."), Optional: true},
			"cpu":                     schema.BoolAttribute{MarkdownDescription: shortcut("Only CPU-only images (`true`) or only GPU images (`false`)."), Optional: true},
			"framework":               schema.Int64Attribute{MarkdownDescription: shortcut("Only images of the framework with this primary key; see the `ufdl_framework` data source."), Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"task":                    schema.StringAttribute{MarkdownDescription: shortcut("Only images that can run the job contract of this name, e.g. `Train`."), Optional: true},
			"licence":                 schema.StringAttribute{MarkdownDescription: shortcut("Only images under the licence of this name, e.g. `GPL3`."), Optional: true},
			"read_registry_passwords": readRegistryPasswordsAttribute(),
			// Computed
			"images": schema.ListNestedAttribute{
				MarkdownDescription: "The matching images, in the order of `order_by` and then by primary key (by primary key alone without `order_by`).",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: imageResultAttributes()},
			},
			"pks": schema.ListAttribute{
				MarkdownDescription: "Primary keys of the matching images, in the order of `images`.",
				ElementType:         types.Int64Type,
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"filter":   filterBlock(),
			"order_by": orderByBlock(),
		},
	}
}

func (d *dockerImagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the filter blocks at plan time, so that a mistake names its block
// instead of coming back from the server after the plan.
func (d *dockerImagesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var cfg dockerImagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, _, diags := buildDockerImagesFilter(ctx, cfg.dockerImagesQuery)
	resp.Diagnostics.Append(diags...)
}

func (d *dockerImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg dockerImagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter, _, diags := buildDockerImagesFilter(ctx, cfg.dockerImagesQuery)
	resp.Diagnostics.Append(diags...)
	_, diags = d.data.lookUp(ctx, cfg.lookupChecks()...)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	images, err := d.data.client.ListImages(ctx, filter)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "list docker images", nil, err)
		return
	}
	cfg.Images, diags = d.data.imageResults(ctx, images, cfg.ReadRegistryPasswords.ValueBool())
	resp.Diagnostics.Append(diags...)
	cfg.PKs = make([]int64, len(images))
	for i, img := range images {
		cfg.PKs[i] = img.PK
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// imageResults maps server responses to data-source results, by the resource's rules. The
// registry passwords the server sends are dropped unless withPasswords.
func (d *providerData) imageResults(ctx context.Context, images []client.Image, withPasswords bool) ([]imageResultModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := make([]imageResultModel, 0, len(images))
	if len(images) == 0 {
		return out, diags
	}
	lk, err := d.client.LookupsWith(ctx, func(lk *client.Lookups) bool {
		for _, img := range images {
			if _, ok := lk.DomainByDescription(img.Domain); !ok {
				return false
			}
		}
		return true
	}, client.TableDomains)
	if err != nil {
		addImageAPIError(&diags, "load the server's lookup tables", nil, err)
		return nil, diags
	}
	for i := range images {
		out = append(out, imageResult(&images[i], lk, withPasswords))
	}
	return out, diags
}

// imageResult maps one image through flattenImage, so that data sources and the resource
// show every field in the same form.
func imageResult(img *client.Image, lk *client.Lookups, withPassword bool) imageResultModel {
	var m dockerImageModel
	flattenImage(img, lk, &m)
	m.RegistryPassword = types.StringNull() // not read
	if withPassword {
		m.RegistryPassword = types.StringPointerValue(img.RegistryPassword)
	}
	return imageResultModel{
		ID: m.ID, PK: m.PK, Name: m.Name, Version: m.Version, URL: m.URL, RegistryURL: m.RegistryURL,
		RegistryUsername: m.RegistryUsername, RegistryPassword: m.RegistryPassword,
		CUDAVersion: m.CUDAVersion.StringValue, CUDAFullVersion: m.CUDAFullVersion,
		Framework: m.Framework, FrameworkName: m.FrameworkName, FrameworkVersion: m.FrameworkVersion,
		Domain: m.Domain, DomainDescription: m.DomainDescription, Tasks: setStrings(m.Tasks),
		MinHardwareGeneration: m.MinHardwareGeneration, CPU: m.CPU, Licence: m.Licence,
	}
}

// readRegistryPasswordsAttribute is the data sources' opt-in to the registry passwords.
func readRegistryPasswordsAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Also read each image's registry password into `registry_password` (sensitive, but then stored in state). " +
			"Defaults to `false`: `registry_password` is null, and the passwords of images this configuration does not manage stay out of its state.",
		Optional: true,
	}
}

// imageResultAttributes describes an image as data sources return it.
func imageResultAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id":                schema.StringAttribute{MarkdownDescription: "The image's primary key as a string (the same as `pk`).", Computed: true},
		"pk":                schema.Int64Attribute{MarkdownDescription: "The image's primary key on the server.", Computed: true},
		"name":              schema.StringAttribute{MarkdownDescription: "Image name, e.g. `yolo`.", Computed: true},
		"version":           schema.StringAttribute{MarkdownDescription: "Image version, e.g. `v7_2022-10-08_cuda11.1`.", Computed: true},
		"url":               schema.StringAttribute{MarkdownDescription: "Where workers pull the image from: registry host, optional port, repository and tag.", Computed: true},
		"registry_url":      schema.StringAttribute{MarkdownDescription: "Address of the registry that holds the image.", Computed: true},
		"registry_username": schema.StringAttribute{MarkdownDescription: "User for the registry; null when the registry needs no login.", Computed: true},
		"registry_password": schema.StringAttribute{
			MarkdownDescription: "Password for the registry, only with `read_registry_passwords = true` (else null). Sensitive: hidden in plans and output, but stored in state.",
			Computed:            true,
			Sensitive:           true,
		},
		"cuda_version":            schema.StringAttribute{MarkdownDescription: "CUDA version string, e.g. `11.1` (`0.0` for CPU images), as `cuda_version` of the resource.", Computed: true},
		"cuda_full_version":       schema.StringAttribute{MarkdownDescription: "Full CUDA version, e.g. `11.1.0`.", Computed: true},
		"framework":               schema.Int64Attribute{MarkdownDescription: "Primary key of the image's framework, as `framework` of the resource.", Computed: true},
		"framework_name":          schema.StringAttribute{MarkdownDescription: "Name of the framework, e.g. `yolo`.", Computed: true},
		"framework_version":       schema.StringAttribute{MarkdownDescription: "Version of the framework, e.g. `v7`.", Computed: true},
		"domain":                  schema.StringAttribute{MarkdownDescription: "Two-letter code of the image's domain, e.g. `od`, as `domain` of the resource.", Computed: true},
		"domain_description":      schema.StringAttribute{MarkdownDescription: "Long name of the domain, e.g. `Object Detection`.", Computed: true},
		"tasks":                   schema.ListAttribute{MarkdownDescription: "Names of the job contracts the image can be used with, sorted, e.g. `[\"Predict\", \"Train\"]`.", ElementType: types.StringType, Computed: true},
		"min_hardware_generation": schema.StringAttribute{MarkdownDescription: "Oldest GPU generation the image runs on, e.g. `Pascal`; null for CPU images without one.", Computed: true},
		"cpu":                     schema.BoolAttribute{MarkdownDescription: "Whether the image runs on CPU only.", Computed: true},
		"licence":                 schema.StringAttribute{MarkdownDescription: "Name of the image's licence, e.g. `GPL3`.", Computed: true},
	}
	return attrs
}

// dataSourceProviderData takes the provider's value in Configure; nil before the provider
// is configured (validation).
func dataSourceProviderData(pd any, diags *diag.Diagnostics) *providerData {
	if pd == nil {
		return nil
	}
	data, ok := pd.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", pd))
	}
	return data
}
