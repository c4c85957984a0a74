// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later): the pk, or the (name, version) pair that is
// unique on the server. Older Terraform versions send no identity; every setter here then
// does nothing and the resource behaves as before.

var _ resource.ResourceWithIdentity = (*dockerImageResource)(nil)

type dockerImageIdentity struct {
	PK      types.Int64  `tfsdk:"pk"`
	Name    types.String `tfsdk:"name"`
	Version types.String `tfsdk:"version"`
}

func (r *dockerImageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"pk": identityschema.Int64Attribute{
				OptionalForImport: true,
				Description:       "Primary key of the image. Import with pk alone, or with name and version.",
			},
			"name": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "Name of the image; with version, an alternative to pk for import.",
			},
			"version": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "Version of the image; with name, an alternative to pk for import.",
			},
		},
	}
}

// setIdentity records m's identity when Terraform tracks identities.
func setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, m dockerImageModel) diag.Diagnostics {
	if id == nil {
		return nil
	}
	return id.Set(ctx, dockerImageIdentity{PK: m.PK, Name: m.Name, Version: m.Version})
}
