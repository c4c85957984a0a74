// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
)

var _ provider.ProviderWithFunctions = (*ufdlProvider)(nil)

// Functions are pure: no network, no provider configuration, so they work in `terraform
// validate` and in any expression. Their error messages end without a period: Terraform
// prints them inside a sentence of its own ("Invalid value for "url" parameter: ...") and
// adds one.
func (p *ufdlProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		func() function.Function { return pinImageFunction{} },
		func() function.Function { return parseImageFunction{} },
	}
}

type pinImageFunction struct{}

func (pinImageFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "pin_image"
}

func (pinImageFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Pins an image reference to a manifest digest",
		MarkdownDescription: fmt.Sprintf("Returns `url` with `@digest` after its name and tag (`host/path:tag@sha256:…`), replacing a digest it already has: "+
			"`docker pull` then pulls exactly that manifest, and the tag stays for readers. Fails when the result is longer than the %d characters a "+
			"catalog `url` holds; pin the name alone then, with `provider::ufdl::pin_image(provider::ufdl::parse_image(url).name, digest)`.", maxURL),
		Parameters: []function.Parameter{
			function.StringParameter{Name: "url", MarkdownDescription: "Image reference, `host[:port]/path[:tag][@digest]`."},
			function.StringParameter{Name: "digest", MarkdownDescription: "Manifest digest, e.g. the `digest` of a `ufdl_image_digest` data source."},
		},
		Return: function.StringReturn{},
	}
}

func (pinImageFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var url, digest string
	resp.Error = req.Arguments.Get(ctx, &url, &digest)
	if resp.Error != nil {
		return
	}
	ref, err := registry.ParseReference(url)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("pin_image: url %q is not an image reference: %s", url, err))
		return
	}
	pinned, err := ref.Pin(digest)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("pin_image: %s", err))
		return
	}
	if len(pinned) > maxURL {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("pin_image: %s is %d characters, more than the %d a catalog url holds. "+
			"Pin the name without its tag: provider::ufdl::pin_image(%q, digest) gives %d characters",
			pinned, len(pinned), maxURL, ref.Name(), len(ref.Name())+1+len(digest)))
		return
	}
	resp.Error = resp.Result.Set(ctx, pinned)
}

type parseImageFunction struct{}

var parsedImageTypes = map[string]attr.Type{
	"name": types.StringType, "registry": types.StringType, "repository": types.StringType,
	"tag": types.StringType, "digest": types.StringType,
}

func (parseImageFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_image"
}

func (parseImageFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Splits an image reference into its parts",
		MarkdownDescription: "Reads `url` as `docker pull` does and returns an object with `name` (the reference without tag and digest, as written), " +
			"`registry` (`docker.io` when `url` names none), `repository` (`library/ubuntu` for Docker Hub's `ubuntu`), `tag` and `digest` " +
			"(each null when absent). Fails, saying why, when `docker pull` would refuse `url`.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "url", MarkdownDescription: "Image reference, `host[:port]/path[:tag][@digest]`."},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedImageTypes},
	}
}

func (parseImageFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var url string
	resp.Error = req.Arguments.Get(ctx, &url)
	if resp.Error != nil {
		return
	}
	ref, err := registry.ParseReference(url)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("parse_image: url %q is not an image reference: %s", url, err))
		return
	}
	optional := func(s string) attr.Value {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	obj, diags := types.ObjectValue(parsedImageTypes, map[string]attr.Value{
		"name": types.StringValue(ref.Name()), "registry": types.StringValue(ref.Registry()),
		"repository": types.StringValue(ref.Repository()), "tag": optional(ref.Tag), "digest": optional(ref.Digest),
	})
	resp.Error = function.FuncErrorFromDiags(ctx, diags)
	if resp.Error == nil {
		resp.Error = resp.Result.Set(ctx, obj)
	}
}
