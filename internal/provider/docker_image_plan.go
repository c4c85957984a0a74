// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The plan of ufdl_dockerimage, as a list of named decisions. Each takes what Terraform
// handed over (configuration, plan, state, private state), the server's answers and the
// process's plan book (plan_book.go), and none depends on the order of Terraform's calls.

// imagePlan is what ModifyPlan decides from, read from the request once.
type imagePlan struct {
	plan, state dockerImageModel
	creating    bool
	// unchanged: an existing image whose planned values are its state's.
	unchanged bool
	// password and writeOnly are registry_password and registry_password_wo as configured.
	password, writeOnly types.String
	// framework is the framework as configured: by pk, by name and version, or both.
	framework frameworkConfig
	// replaces is the image this create replaces (-replace, replace_triggered_by, a change
	// that requires replacement): Terraform plans the new object with the private state of
	// the plan of the old one. 0 when there is none.
	replaces int64
}

// privateReplaces is the private state key that hands the pk of a replaced image from the
// plan of the old object to the plan of its replacement.
const privateReplaces = "replaces_pk"

// ModifyPlan checks what can only be checked with the server and the whole plan, so that
// mistakes fail at plan rather than halfway through an apply, and completes the plan with
// what the configuration implies.
func (r *dockerImageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return // validation without a configured provider, or a destroy
	}
	p, diags := readImagePlan(ctx, req)
	resp.Diagnostics.Append(diags...)
	held, diags := heldDigest(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	d := r.data

	resp.Diagnostics.Append(rememberReplaced(ctx, p, resp.Private)...)
	if password := plannedPassword(p, held); !password.Equal(p.plan.RegistryPassword) {
		p.plan.RegistryPassword = password
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &p.plan)...)
		p.unchanged = !p.creating && resp.Plan.Raw.Equal(req.State.Raw)
	}
	resp.Diagnostics.Append(d.claimImageKey(p)...)
	resp.Diagnostics.Append(d.checkRegistry(ctx, p)...)
	if p.unchanged || resp.Diagnostics.HasError() {
		// Every check below concerns a value the server has accepted already: a drift
		// detection plan of N unchanged images costs no API call here.
		return
	}
	lk, diags := d.lookUp(ctx, imageLookupChecks(p)...)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(planFramework(&p, lk, d.plans)...)
	planLookupDetails(&p)
	resp.Diagnostics.Append(d.checkImageKeyFree(ctx, p)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &p.plan)...)
}

// readImagePlan reads the request into an imagePlan.
func readImagePlan(ctx context.Context, req resource.ModifyPlanRequest) (imagePlan, diag.Diagnostics) {
	var p imagePlan
	var diags diag.Diagnostics
	p.creating = req.State.Raw.IsNull()
	diags.Append(req.Plan.Get(ctx, &p.plan)...)
	if !p.creating {
		diags.Append(req.State.Get(ctx, &p.state)...)
		p.unchanged = req.Plan.Raw.Equal(req.State.Raw)
	}
	diags.Append(req.Config.GetAttribute(ctx, path.Root("registry_password"), &p.password)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("registry_password_wo"), &p.writeOnly)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("framework"), &p.framework.pk)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("framework_name"), &p.framework.name)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("framework_version"), &p.framework.version)...)
	if p.creating {
		replaced, d := req.Private.GetKey(ctx, privateReplaces)
		diags.Append(d...)
		p.replaces = parsePK(replaced)
	}
	return p, diags
}

// rememberReplaced hands the pk of an existing image to the plan of its replacement, should
// Terraform replace it: that plan gets this one's private state.
func rememberReplaced(ctx context.Context, p imagePlan, private privateSetter) diag.Diagnostics {
	if p.creating {
		return nil
	}
	return private.SetKey(ctx, privateReplaces, formatPK(p.state.PK.ValueInt64()))
}

// claimImageKey records the image's (name, version) in the plan book, and refuses it when
// another block of the configuration plans the same.
func (d *providerData) claimImageKey(p imagePlan) diag.Diagnostics {
	name, version := p.plan.Name, p.plan.Version
	if !known(name) || !known(version) {
		return nil // claimed in the plan at apply, once known
	}
	owner, what := newOwner(), "a new docker image"
	switch {
	case !p.creating:
		owner, what = ownerOf(p.state.PK.ValueInt64()), fmt.Sprintf("docker image %d", p.state.PK.ValueInt64())
	case p.replaces > 0:
		owner, what = ownerOf(p.replaces), fmt.Sprintf("docker image %d, being replaced", p.replaces)
	}
	if other, ok := d.plans.claim(imageTable, name.ValueString()+":"+version.ValueString(), owner, what); !ok {
		return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("name"), "Duplicate Docker Image",
			fmt.Sprintf("Another resource block of this configuration also plans a docker image named %q with version %q (%s), and (name, version) must be unique on the server. "+
				"Give one of the two another name or version, or remove one.", name.ValueString(), version.ValueString(), other.row))}
	}
	return nil
}

// checkRegistry runs the checks that need the password the server will hold: a registry
// username without any password, and, with registry_check on, the registry itself.
func (d *providerData) checkRegistry(ctx context.Context, p imagePlan) diag.Diagnostics {
	if d.registry == nil || (p.unchanged && !d.registry.checksUnchanged()) {
		return nil
	}
	password, diags := d.serverPassword(ctx, p)
	if diags.HasError() {
		return diags
	}
	diags.Append(d.registry.checkImage(ctx, p.plan, password, !p.unchanged)...)
	return diags
}

// serverPassword is the registry password the server will hold once the plan is applied:
// none without a username; the write-only one or the configured one; for a new image
// without either, none; for an existing one, the one it holds now (read from the server
// when a check needs it: state does not keep it). Unknown when not known until apply.
func (d *providerData) serverPassword(ctx context.Context, p imagePlan) (types.String, diag.Diagnostics) {
	switch {
	case p.plan.RegistryUsername.IsNull():
		return types.StringNull(), nil
	case !p.writeOnly.IsNull():
		return p.writeOnly, nil
	case !p.password.IsNull():
		return p.password, nil
	case p.creating:
		return types.StringNull(), nil
	case !d.registry.needsHeldPassword(p.plan):
		return types.StringUnknown(), nil
	}
	var diags diag.Diagnostics
	img, err := d.client.ReadImage(ctx, p.state.PK.ValueInt64())
	if err != nil {
		addImageAPIError(&diags, fmt.Sprintf("read docker image %d", p.state.PK.ValueInt64()), nil, err)
		return types.StringUnknown(), diags
	}
	return types.StringPointerValue(img.RegistryPassword), nil
}

// imageLookupChecks lists the lookup values of the plan to find on the server: every known
// one of a new image, only those that differ from state for an existing one (the server
// accepted the others already). The framework is resolved by planFramework.
func imageLookupChecks(p imagePlan) []lookupCheck {
	plan, state := p.plan, p.state
	var out []lookupCheck
	changed := func(v, old attr.Value) bool {
		return !v.IsNull() && !v.IsUnknown() && (p.creating || !v.Equal(old))
	}
	if changed(plan.CUDAVersion, state.CUDAVersion) {
		out = append(out, checkCUDA(path.Root("cuda_version"), plan.CUDAVersion.ValueString()))
	}
	if changed(plan.Domain, state.Domain) {
		out = append(out, checkString(path.Root("domain"), domainKind, plan.Domain.ValueString(), hasDomain))
	}
	if changed(plan.MinHardwareGeneration, state.MinHardwareGeneration) {
		out = append(out, checkString(path.Root("min_hardware_generation"), hardwareKind, plan.MinHardwareGeneration.ValueString(), hasHardware))
	}
	if changed(plan.Licence, state.Licence) {
		out = append(out, checkString(path.Root("licence"), licenceKind, plan.Licence.ValueString(), hasLicence))
	}
	if changed(plan.Tasks, state.Tasks) {
		old := map[string]bool{}
		if !p.creating {
			for _, e := range state.Tasks.Elements() {
				if s, ok := e.(types.String); ok {
					old[s.ValueString()] = true
				}
			}
		}
		for _, e := range plan.Tasks.Elements() {
			s, ok := e.(types.String)
			if !ok || !known(s) || old[s.ValueString()] {
				continue
			}
			out = append(out, checkString(path.Root("tasks"), taskKind, s.ValueString(), hasTask))
		}
	}
	if fw := p.framework; p.keepsFramework() {
		return out // the framework the server accepted
	} else if fw.byName() && known(fw.name) && known(fw.version) {
		out = append(out, checkFrameworkNamed(path.Root("framework_name"), fw.name.ValueString(), fw.version.ValueString()))
	} else if !fw.byName() && known(fw.pk) {
		out = append(out, checkFramework(path.Root("framework"), fw.pk.ValueInt64()))
	}
	return out
}

// planFramework puts the framework into the plan by pk, name and version, whichever way it
// is configured: a configured attribute keeps its configured value, known or not, and the
// others follow from it through the server's framework table or a framework this plan
// creates, or are unknown until apply. Both ways written must name the same framework. An
// image whose framework is written as in state keeps state's values.
func planFramework(p *imagePlan, lk *client.Lookups, book *planBook) diag.Diagnostics {
	fw, plan := p.framework, &p.plan
	if p.keepsFramework() {
		plan.Framework, plan.FrameworkName, plan.FrameworkVersion = p.state.Framework, p.state.FrameworkName, p.state.FrameworkVersion
		return nil
	}
	// What the configuration says, and what follows from it.
	plan.Framework, plan.FrameworkName, plan.FrameworkVersion = types.Int64Unknown(), types.StringUnknown(), types.StringUnknown()
	if !fw.pk.IsNull() {
		plan.Framework = fw.pk
	}
	if fw.byName() {
		plan.FrameworkName, plan.FrameworkVersion = fw.name, fw.version
	}
	var found client.Framework
	var ok bool
	switch {
	case fw.byName() && known(fw.name) && known(fw.version):
		found, ok = lk.FrameworkByNameVersion(fw.name.ValueString(), fw.version.ValueString())
		if !ok {
			if row, planned := book.planned(frameworkKind.noun, frameworkKey(fw.name.ValueString(), fw.version.ValueString())); planned {
				found, _ = row.(client.Framework) // created in this plan: its pk is known after apply
			}
		}
	case !fw.byName() && known(fw.pk):
		found, _ = lk.FrameworkByPK(fw.pk.ValueInt64()) // found.Name stays "" when there is none
	}
	if found.Name == "" {
		return nil // not known until apply: the plan at apply resolves it
	}
	if known(fw.pk) && found.PK != 0 && fw.pk.ValueInt64() != found.PK {
		return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("framework"), "Framework Written Two Ways",
			fmt.Sprintf("framework = %d, but framework_name and framework_version name %s %s, which is framework %d on this server. "+
				"Write the framework one way: framework_name and framework_version (the same on every deployment), or framework.",
				fw.pk.ValueInt64(), found.Name, found.Version, found.PK))}
	}
	// Only what the configuration leaves out follows from what it says: a configured pk,
	// unknown until apply, stays unknown and is compared with the name in the plan at apply.
	if fw.pk.IsNull() && found.PK != 0 {
		plan.Framework = types.Int64Value(found.PK)
	}
	if !fw.byName() {
		plan.FrameworkName, plan.FrameworkVersion = types.StringValue(found.Name), types.StringValue(found.Version)
	}
	return nil
}

// planLookupDetails makes the computed details of a changed lookup "known after apply":
// they come from the server's answer, and state's copy describes the old value.
func planLookupDetails(p *imagePlan) {
	if p.creating {
		return // unknown already
	}
	if !p.plan.CUDAVersion.Equal(p.state.CUDAVersion) {
		p.plan.CUDAFullVersion = types.StringUnknown()
	}
	if !p.plan.Domain.Equal(p.state.Domain) {
		p.plan.DomainDescription = types.StringUnknown()
	}
}

// checkImageKeyFree refuses a (name, version) that another image holds on the server, for a
// new image or a renamed one. Neither the image this one replaces nor an image this process
// refreshed as some resource's state (a tainted image, whose replacement this is) counts.
func (d *providerData) checkImageKeyFree(ctx context.Context, p imagePlan) diag.Diagnostics {
	name, version := p.plan.Name, p.plan.Version
	renamed := !p.creating && (!name.Equal(p.state.Name) || !version.Equal(p.state.Version))
	if (!p.creating && !renamed) || !known(name) || !known(version) {
		return nil
	}
	var diags diag.Diagnostics
	existing, err := d.client.FindImage(ctx, name.ValueString(), version.ValueString())
	switch {
	case err != nil:
		addImageAPIError(&diags, "check whether the name and version are free", nil, err)
	case existing == nil:
	case renamed && existing.PK != p.state.PK.ValueInt64():
		diags.Append(imageExists(path.Root("name"), existing.PK, name.ValueString(), version.ValueString(), false))
	case p.creating && existing.PK != p.replaces && !d.plans.wasRefreshed(imageTable, existing.PK):
		diags.Append(imageExists(path.Root("name"), existing.PK, name.ValueString(), version.ValueString(), true))
	}
	return diags
}

// keepsFramework reports whether an existing image's framework is configured as in state,
// every way it is written: the framework the server accepted, nothing to look up.
func (p imagePlan) keepsFramework() bool {
	fw := p.framework
	return !p.creating && fw.sameAs(p.state) && (!fw.byName() || !known(fw.pk) || fw.pk.Equal(p.state.Framework))
}

// frameworkConfig is the framework as configured: by pk, or by name and version.
type frameworkConfig struct {
	pk            types.Int64
	name, version types.String
}

func (f frameworkConfig) byName() bool { return !f.name.IsNull() }

// sameAs reports whether f names the framework of state as state names it.
func (f frameworkConfig) sameAs(state dockerImageModel) bool {
	if f.byName() {
		return f.name.Equal(state.FrameworkName) && f.version.Equal(state.FrameworkVersion)
	}
	return f.pk.Equal(state.Framework)
}

// known reports whether v is neither null nor unknown.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
