// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
)

var (
	_ datasource.DataSource                   = (*imageDigestDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*imageDigestDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageDigestDataSource)(nil)
)

// NewImageDigestDataSource returns the ufdl_image_digest data source.
func NewImageDigestDataSource() datasource.DataSource {
	return &imageDigestDataSource{}
}

type imageDigestDataSource struct {
	data *providerData
}

type imageDigestModel struct {
	URL              types.String `tfsdk:"url"`
	RegistryUsername types.String `tfsdk:"registry_username"`
	RegistryPassword types.String `tfsdk:"registry_password"`
	Digest           types.String `tfsdk:"digest"`
	MediaType        types.String `tfsdk:"media_type"`
	PinnedURL        types.String `tfsdk:"pinned_url"`
	Registry         types.String `tfsdk:"registry"`
	Repository       types.String `tfsdk:"repository"`
	Tag              types.String `tfsdk:"tag"`
}

func (d *imageDigestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_digest"
}

func (d *imageDigestDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Asks an image's registry which manifest a reference points at now, as a worker's `docker pull` would, and returns its digest " +
			"and the reference pinned to it. Feeding `pinned_url` into a `ufdl_dockerimage`'s `url` makes a tag moved in the registry an ordinary `url` " +
			"change in the next plan. Always asks the registry, whatever `registry_check` says, and fails when the registry cannot answer.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Image reference, as a catalog `url`: `host[:port]/path[:tag][@digest]`. With a tag, the digest is the one the tag points at now " +
					"(a digest already in `url` is replaced); without one, the digest in `url` is checked; with neither, `latest` is resolved.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"registry_username": schema.StringAttribute{
				MarkdownDescription: "User to log in to the registry as; omit for an anonymous pull. Requires `registry_password`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("registry_password"))},
			},
			"registry_password": schema.StringAttribute{
				MarkdownDescription: "Password of `registry_username`. Sensitive, but a data source's arguments are kept in state like its results: " +
					"prefer a pull-only account. Requires `registry_username`.",
				Optional:  true,
				Sensitive: true,
				// Checked in ValidateConfig, by an error that does not show the configuration line.
			},
			"digest":     computed("Digest of the manifest, e.g. `sha256:4a3b…`: of the index or manifest list for multi-platform images, as `docker pull` resolves it."),
			"media_type": computed("Media type of the manifest, e.g. `application/vnd.docker.distribution.manifest.v2+json` or `application/vnd.oci.image.index.v1+json`."),
			"pinned_url": computed(fmt.Sprintf("`url` pinned to `digest` (`host/path:tag@digest`), what `provider::ufdl::pin_image(url, digest)` returns. "+
				"When that is longer than the %d characters a catalog `url` holds, the tag is left out (`host/path@digest`) and a warning says so.", maxURL)),
			"registry":   computed("Registry the image is pulled from, e.g. `registry.example.com:443`; `docker.io` when `url` names none."),
			"repository": computed("Repository on the registry, e.g. `team/yolo` (`library/ubuntu` for Docker Hub's `ubuntu`)."),
			"tag":        computed("Tag of `url`; null when it has none."),
		},
	}
}

func (d *imageDigestDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses a registry password without a username, by an error without an
// attribute path: Terraform would print the password's configuration line.
func (d *imageDigestDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m imageDigestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() && !m.RegistryPassword.IsNull() && m.RegistryUsername.IsNull() {
		resp.Diagnostics.AddError("Registry Password Without Username",
			"registry_password is set but registry_username is not: the registry is asked with both, or anonymously with neither. "+
				"Set registry_username, or remove registry_password for an anonymous pull.")
	}
}

func (d *imageDigestDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m imageDigestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	url := m.URL.ValueString()
	ref, err := registry.ParseReference(url)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid Image Reference",
			fmt.Sprintf("url = %q is not an image reference: %s. Write host[:port]/path[:tag][@digest], e.g. registry.example.com:443/team/image:tag.", url, err))
		return
	}
	lookup := ref
	if ref.Tag != "" {
		lookup.Digest = "" // where the tag points now
	}
	creds := registry.Credentials{Username: m.RegistryUsername.ValueString(), Password: m.RegistryPassword.ValueString()}
	man, err := d.data.registry.checker.Resolve(ctx, lookup, creds)
	if err != nil {
		summary, detail := "Registry Check Failed", err.Error()
		var p *registry.Problem
		if errors.As(err, &p) {
			summary = p.Summary
			if p.Kind == registry.KindUnreachable {
				detail += " This data source asks the registry whatever registry_check says: read it where the registry can be reached, " +
					"or pin url without it (provider::ufdl::pin_image with a digest from docker inspect)."
			}
		}
		resp.Diagnostics.AddAttributeError(path.Root("url"), summary, detail)
		return
	}
	pinned := ref
	pinned.Digest = man.Digest
	if len(pinned.String()) > maxURL {
		pinned.Tag = ""
		resp.Diagnostics.AddAttributeWarning(path.Root("url"), "Pinned URL Without Tag",
			fmt.Sprintf("%s:%s@%s would be longer than the %d characters a catalog url holds, so pinned_url leaves the tag out: %s (%d characters). "+
				"docker pull pulls the same image either way.", ref.Name(), ref.Tag, man.Digest, maxURL, pinned.String(), len(pinned.String())))
	}
	m.Digest = types.StringValue(man.Digest)
	m.MediaType = types.StringValue(man.MediaType)
	m.PinnedURL = types.StringValue(pinned.String())
	m.Registry = types.StringValue(ref.Registry())
	m.Repository = types.StringValue(ref.Repository())
	m.Tag = types.StringNull()
	if ref.Tag != "" {
		m.Tag = types.StringValue(ref.Tag)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
