// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// A create whose outcome is unknown: the answer was lost, and the server could not be asked
// afterwards whether the image was stored (an outage right after the commit). Rather than
// forget the attempt, and leave an image on the server that no state knows, the create
// fails with a state that records it: the object, which Terraform taints, holds what was
// sent and no pk, and its private state marks it. The next refresh settles it: the image
// this configuration sent is adopted, nothing else is.

// privateCreatePending marks the state of a create whose outcome is unknown.
const privateCreatePending = "create_pending"

// privateSetter is the private state of a response.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordPendingCreate writes the state of a create of plan whose outcome is unknown.
func recordPendingCreate(ctx context.Context, plan dockerImageModel, state *tfsdk.State, private privateSetter) diag.Diagnostics {
	m := plan
	m.ID, m.PK = types.StringNull(), types.Int64Null()
	if !known(m.Framework) {
		m.Framework = types.Int64Null()
	}
	m.CUDAFullVersion, m.DomainDescription = types.StringNull(), types.StringNull()
	diags := state.Set(ctx, m)
	diags.Append(private.SetKey(ctx, privateCreatePending, []byte(`true`))...)
	return diags
}

// resolvePendingCreate settles the state of a create whose outcome was unknown: the image
// it sent is adopted when the server holds it as sent, the object is dropped when the server
// holds none (the next plan creates it), and an image of that name that differs from what
// was sent is left alone (the next plan reports its name as taken).
func (r *dockerImageResource) resolvePendingCreate(ctx context.Context, state dockerImageModel, resp *resource.ReadResponse) {
	name, version := state.Name.ValueString(), state.Version.ValueString()
	img, err := r.data.client.FindImage(ctx, name, version)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, fmt.Sprintf("find out whether the earlier create of docker image %s:%s stored it", name, version), nil, err)
		return
	}
	if img == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	domains, err := r.data.client.Lookups(ctx, client.TableDomains)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "load the server's domains", nil, err)
		return
	}
	if diffs := sentDifferences(state, img, domains); len(diffs) > 0 {
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.AddWarning("Docker Image Not Adopted",
			fmt.Sprintf("An earlier create of docker image %s:%s had an unknown outcome. The server holds an image of that name (pk %d), "+
				"but it is not the one this configuration sent (%s), so it was left alone; the next plan reports its name as taken.",
				name, version, img.PK, strings.Join(diffs, "; ")))
		return
	}
	r.data.plans.sawRefreshed(imageTable, img.PK)
	resp.Diagnostics.Append(storeImage(ctx, img, domains, state, &resp.State, resp.Identity, resp.Private, passwordDigest{})...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreatePending, nil)...)
}

// sentDifferences lists where img differs from what the create recorded in state sent. A
// password that state does not hold (write-only) cannot be compared and is not.
func sentDifferences(state dockerImageModel, img *client.Image, domains *client.Lookups) []string {
	spec := imageSpecFromModel(state, types.StringNull())
	var out []string
	for _, d := range client.Differences(spec, img, domains) {
		if strings.HasPrefix(d, client.FieldRegistryPassword+":") && sendablePassword(state.RegistryPassword) == nil {
			continue
		}
		out = append(out, d)
	}
	return out
}

// parsePK reads a pk kept in private state; 0 when there is none.
func parsePK(b []byte) int64 {
	pk, _ := strconv.ParseInt(string(b), 10, 64)
	return pk
}

// formatPK is a pk for private state, whose values are JSON.
func formatPK(pk int64) []byte { return []byte(strconv.FormatInt(pk, 10)) }
