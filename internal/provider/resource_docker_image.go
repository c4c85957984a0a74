// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Ensure dockerImageResource satisfies the framework interfaces it implements.
var (
	_ resource.Resource                     = (*dockerImageResource)(nil)
	_ resource.ResourceWithConfigure        = (*dockerImageResource)(nil)
	_ resource.ResourceWithImportState      = (*dockerImageResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*dockerImageResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*dockerImageResource)(nil)
	_ resource.ResourceWithConfigValidators = (*dockerImageResource)(nil)
)

// NewDockerImageResource returns the ufdl_dockerimage resource.
func NewDockerImageResource() resource.Resource {
	return &dockerImageResource{}
}

type dockerImageResource struct {
	data *providerData
}

// dockerImageModel is the resource's state. Lookup fields hold the forms users write
// (version string, framework pk, domain code, generation name), not the API's response forms.
type dockerImageModel struct {
	ID                        types.String     `tfsdk:"id"`
	PK                        types.Int64      `tfsdk:"pk"`
	Name                      types.String     `tfsdk:"name"`
	Version                   types.String     `tfsdk:"version"`
	URL                       types.String     `tfsdk:"url"`
	RegistryURL               types.String     `tfsdk:"registry_url"`
	RegistryUsername          types.String     `tfsdk:"registry_username"`
	RegistryPassword          types.String     `tfsdk:"registry_password"`
	RegistryPasswordWO        types.String     `tfsdk:"registry_password_wo"`
	RegistryPasswordWOVersion types.Int64      `tfsdk:"registry_password_wo_version"`
	CUDAVersion               cudaVersionValue `tfsdk:"cuda_version"`
	Framework                 types.Int64      `tfsdk:"framework"`
	Domain                    types.String     `tfsdk:"domain"`
	Tasks                     types.Set        `tfsdk:"tasks"`
	MinHardwareGeneration     types.String     `tfsdk:"min_hardware_generation"`
	CPU                       types.Bool       `tfsdk:"cpu"`
	Licence                   types.String     `tfsdk:"licence"`
	CUDAFullVersion           types.String     `tfsdk:"cuda_full_version"`
	FrameworkName             types.String     `tfsdk:"framework_name"`
	FrameworkVersion          types.String     `tfsdk:"framework_version"`
	DomainDescription         types.String     `tfsdk:"domain_description"`
}

func (r *dockerImageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dockerimage"
	// name and version, part of the identity, can change in place.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *dockerImageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepPK := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A docker image in the UFDL catalog: where worker nodes pull it from, which CUDA version, " +
			"framework, domain and hardware it needs, and which job contracts (tasks) it can run. " +
			"Lookup values are written as users know them (CUDA version string, framework pk, 2-letter domain code, " +
			"generation name, licence name) and are checked against the server at plan time.",
		Attributes: map[string]schema.Attribute{
			// Required
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Image name, e.g. `yolo`. Together with `version` unique on the server. At most %d characters.", maxName),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxName), noSurroundingSpace()},
			},
			"version": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Image version, e.g. `v7_2022-10-08_cuda11.1`. At most %d characters.", maxVersion),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxVersion), noSurroundingSpace()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Where workers pull the image from: registry host, optional port, repository and tag, e.g. `registry.example.com:443/team/yolo:v7`. At most %d characters.", maxURL),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxURL), urlShape()},
			},
			"registry_url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Address of the registry that holds the image, e.g. `registry.example.com:443`; a scheme is optional. At most %d characters.", maxURL),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxURL), urlShape()},
			},
			"cuda_version": schema.StringAttribute{
				MarkdownDescription: "CUDA version the image is built for, as the server's version string, e.g. `11.1`; CPU-only images use `0.0`. " +
					"A decimal, as on the server: `11.10` is the same version as `11.1`. Checked against the server's CUDA table at plan time.",
				Required:   true,
				CustomType: cudaVersionType{},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Two-letter code of the data domain the image works in, e.g. `od` (Object Detection). Checked against the server's domains at plan time.",
				Required:            true,
			},
			"licence": schema.StringAttribute{
				MarkdownDescription: "Name of the image's licence on the server, e.g. `Apache 2.0`. Checked against the server's licences at plan time.",
				Required:            true,
			},
			// Required: the framework, one way or the other
			"framework": schema.Int64Attribute{
				MarkdownDescription: "Primary key of the image's framework on the server. Primary keys differ between deployments: " +
					"`framework_name` and `framework_version` name the framework instead. Write one or the other; both are accepted when they name " +
					"the same framework (generated configurations write both). Always known after plan.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepPK,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
			},
			"framework_name": schema.StringAttribute{
				MarkdownDescription: "Name of the image's framework, e.g. `yolo`, with `framework_version`: the portable alternative to `framework`. " +
					"Checked against the server's frameworks at plan time. Always known after plan.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepString,
				Validators:    []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("framework_version"))},
			},
			"framework_version": schema.StringAttribute{
				MarkdownDescription: "Version of the image's framework, e.g. `v7`, with `framework_name`.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       keepString,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("framework_name"))},
			},
			// Optional
			"registry_username": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("User for the registry; omit it (rather than writing \"\") when the registry needs no login. At most %d characters.", maxCredential),
				Optional:            true,
				Validators: []validator.String{
					notEmpty(), stringvalidator.UTF8LengthAtMost(maxCredential), noSurroundingSpace(),
				},
			},
			"registry_password": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Password for the registry. Sensitive: never shown in plans, but kept in state as written; use `registry_password_wo` to keep it out of state. "+
					"When omitted, a new image gets no password and an existing one keeps the password the server holds, which Terraform never reads into state "+
					"(state then holds `\"\"`): imported and generated configurations (which cannot contain the secret) plan cleanly. An imported image whose configuration "+
					"writes the password the server holds plans no change either: a salted digest of the server's password in private state tells, not the secret. "+
					"While it is set, a password changed outside Terraform shows as a change. At most %d characters.", maxCredential),
				Optional:  true,
				Computed:  true,
				Sensitive: true,
				// Checked in ValidateConfig, by errors that do not show the configuration line.
			},
			"registry_password_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only registry password (Terraform 1.11 and later): sent to the server but never stored in state or plan, " +
					"and never shown (plans say `(write-only attribute)`). Terraform cannot tell when it changes, so bump `registry_password_wo_version` " +
					"to send a new one. Conflicts with `registry_password`.",
				Optional: true,
				// NOTE: not Sensitive: Terraform neither stores nor shows a write-only value, and
				// a second sensitive attribute made Terraform before 1.16 store the two paths in
				// an order that changed from one refresh to the next, so that every drift job
				// (plan -refresh-only -detailed-exitcode) reported a change.
				WriteOnly: true,
				// Checked in ValidateConfig, by errors that do not show the configuration line.
			},
			"registry_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; change it to send `registry_password_wo` to the server again. Required with `registry_password_wo`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("registry_password_wo"))},
			},
			"tasks": schema.SetAttribute{
				MarkdownDescription: "Names of the job contracts the image can be used with, e.g. `[\"Train\", \"Predict\"]`. A set: order does not matter. " +
					"Defaults to none, with a warning: UFDL never chooses an image without tasks for a job.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"min_hardware_generation": schema.StringAttribute{
				MarkdownDescription: "Oldest GPU generation the image runs on, e.g. `Pascal`; required unless `cpu = true`. Checked against the server's hardware table at plan time. The API documentation lets CPU images omit it, but the UFDL backend refuses a null here on create, PUT and PATCH: give CPU images one too (the oldest, `Fermi`, works on every server), and leave it out only to adopt a CPU image that the server already holds without one.",
				Optional:            true,
			},
			"cpu": schema.BoolAttribute{
				MarkdownDescription: "Whether the image runs on CPU only. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			// Computed
			"id": schema.StringAttribute{
				MarkdownDescription: "The image's primary key as a string (the same as `pk`).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"pk": schema.Int64Attribute{
				MarkdownDescription: "The image's primary key on the server.",
				Computed:            true,
				PlanModifiers:       keepPK,
			},
			"cuda_full_version": schema.StringAttribute{
				MarkdownDescription: "Full CUDA version of `cuda_version`, e.g. `11.1.0`.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"domain_description": schema.StringAttribute{
				MarkdownDescription: "Long name of `domain`, e.g. `Object Detection`.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
		},
	}
}

func (r *dockerImageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	r.data = data
}

// ConfigValidators require the framework, by primary key or by name and version.
func (r *dockerImageResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("framework"), path.MatchRoot("framework_name")),
	}
}

// ValidateConfig checks the rules that need no server: a GPU image needs a hardware
// generation, and the registry passwords (see validateRegistryPasswords).
func (r *dockerImageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg dockerImageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateImageEntry(cfg, &resp.Diagnostics)
	if !cfg.CPU.IsUnknown() && !cfg.MinHardwareGeneration.IsUnknown() && cfg.MinHardwareGeneration.IsNull() && !cfg.CPU.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("min_hardware_generation"), "Missing Hardware Generation",
			"A GPU image (cpu = false, the default) needs min_hardware_generation, the oldest GPU generation it runs on, e.g. \"Pascal\". "+
				"Set min_hardware_generation, or set cpu = true if the image runs on CPU only.")
	}
	if cfg.Tasks.IsNull() || (!cfg.Tasks.IsUnknown() && len(cfg.Tasks.Elements()) == 0) {
		resp.Diagnostics.AddAttributeWarning(path.Root("tasks"), "Docker Image Without Tasks",
			"The image serves no job contract, so UFDL never chooses it for a job. List the contracts it serves, e.g. tasks = [\"Train\", \"Predict\"]; "+
				"an image kept only for the record may stay without.")
	}
	validateRegistryPasswords(cfg, &resp.Diagnostics)
}

func (r *dockerImageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dockerImageModel
	var wo types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("registry_password_wo"), &wo)...)
	if resp.Diagnostics.HasError() {
		return
	}

	spec := imageSpecFromModel(plan, wo)
	// The answer is mapped with the domain table: read before the write, so that a write
	// that succeeds always ends in a complete state.
	domains, err := r.data.client.Lookups(ctx, client.TableDomains)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "load the server's domains", nil, err)
		return
	}
	img, err := r.data.client.CreateImage(ctx, spec)
	if err != nil {
		ref := &imageRef{name: spec.Name, version: spec.Version, creating: true}
		switch {
		case client.IsDuplicate(err):
			// Name the image in the way; a failed look-up only makes the message vaguer.
			if existing, ferr := r.data.client.FindImage(ctx, spec.Name, spec.Version); ferr == nil && existing != nil {
				ref.existingPK = existing.PK
			}
		case client.MayHaveCreated(err):
			// The image may exist: the state says so, and the next refresh finds out.
			ref.pending = true
			resp.Diagnostics.Append(recordPendingCreate(ctx, plan, &resp.State, resp.Private)...)
		}
		addImageAPIError(&resp.Diagnostics, "create the docker image", ref, err)
		return
	}

	resp.Diagnostics.Append(storeImage(ctx, img, domains, plan, &resp.State, resp.Identity, resp.Private, passwordDigest{})...)
}

func (r *dockerImageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dockerImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pending, diags := req.Private.GetKey(ctx, privateCreatePending)
	resp.Diagnostics.Append(diags...)
	if len(pending) > 0 {
		r.resolvePendingCreate(ctx, state, resp)
		return
	}

	pk := state.PK.ValueInt64()
	r.data.plans.sawRefreshed(imageTable, pk)
	img, err := r.data.client.ReadImage(ctx, pk)
	if client.IsNotFound(err) {
		// Deleted outside Terraform: forget it, so the next plan creates it again. The
		// framework still wants an identity from a read (even a removing one, and even on
		// Terraform 1.11, where it is dropped), so the last known one is returned.
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
		return
	}
	if err != nil {
		addImageAPIError(&resp.Diagnostics, fmt.Sprintf("read docker image %d", pk), nil, err)
		return
	}
	var domains *client.Lookups
	if needsDomainTable(img, state) {
		if domains, err = r.data.client.LookupsWith(ctx, func(lk *client.Lookups) bool {
			_, ok := lk.DomainByDescription(img.Domain)
			return ok
		}, client.TableDomains); err != nil {
			addImageAPIError(&resp.Diagnostics, "load the server's domains", nil, err)
			return
		}
	}
	old, diags := heldDigest(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(storeImage(ctx, img, domains, state, &resp.State, resp.Identity, resp.Private, old)...)
}

func (r *dockerImageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state dockerImageModel
	var wo types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("registry_password_wo"), &wo)...)
	if resp.Diagnostics.HasError() {
		return
	}

	spec := imageSpecFromModel(plan, wo)
	pk := state.PK.ValueInt64()
	action := fmt.Sprintf("update docker image %d", pk)
	domains, err := r.data.client.Lookups(ctx, client.TableDomains)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "load the server's domains", nil, err)
		return
	}

	var img *client.Image
	fields := changedFields(plan, state)
	switch {
	case r.data.updateMethod == updateMethodPut:
		if !slices.Contains(fields, client.FieldRegistryPassword) {
			// A PUT sends every field: send the password the server holds.
			var held *client.Image
			if held, err = r.data.client.GetImage(ctx, pk); err != nil {
				addImageAPIError(&resp.Diagnostics, action, nil, err)
				return
			}
			spec.RegistryPassword = held.RegistryPassword
		}
		img, err = r.data.client.ReplaceImage(ctx, pk, spec)
	case len(fields) == 0:
		// Only Terraform-side attributes changed (e.g. the write-only version went away).
		img, err = r.data.client.GetImage(ctx, pk)
	default:
		img, err = r.data.client.PatchImage(ctx, pk, spec, fields)
	}
	if err != nil {
		ref := &imageRef{name: spec.Name, version: spec.Version}
		if renamed := slices.Contains(fields, client.FieldName) || slices.Contains(fields, client.FieldVersion); renamed && client.IsServerError(err) {
			// The real backend answers a taken (name, version) on update with a bare 500.
			if existing, ferr := r.data.client.FindImage(ctx, spec.Name, spec.Version); ferr == nil && existing != nil && existing.PK != pk {
				ref.existingPK = existing.PK
			}
		}
		addImageAPIError(&resp.Diagnostics, action, ref, err)
		return
	}

	old, diags := heldDigest(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(storeImage(ctx, img, domains, plan, &resp.State, resp.Identity, resp.Private, old)...)
}

func (r *dockerImageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dockerImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pending, diags := req.Private.GetKey(ctx, privateCreatePending)
	resp.Diagnostics.Append(diags...)
	if len(pending) > 0 {
		// A create whose outcome is unknown, destroyed before any refresh settled it.
		img, err := r.data.client.FindImage(ctx, state.Name.ValueString(), state.Version.ValueString())
		if err != nil {
			addImageAPIError(&resp.Diagnostics, fmt.Sprintf("look up docker image %s:%s", state.Name.ValueString(), state.Version.ValueString()), nil, err)
			return
		}
		if img == nil {
			return // never created
		}
		domains, err := r.data.client.Lookups(ctx, client.TableDomains)
		if err != nil {
			addImageAPIError(&resp.Diagnostics, "load the server's domains", nil, err)
			return
		}
		if len(sentDifferences(state, img, domains)) > 0 {
			return // not this configuration's image
		}
		state.PK, state.Tasks = types.Int64Value(img.PK), stringSet(img.Tasks)
	}
	pk := state.PK.ValueInt64()
	var tasks []string
	resp.Diagnostics.Append(state.Tasks.ElementsAs(ctx, &tasks, false)...)
	err := r.data.client.DestroyImage(ctx, pk, tasks)
	var ref *client.StillReferencedError
	switch {
	case err == nil, client.IsNotFound(err):
		return
	case errors.As(err, &ref):
		resp.Diagnostics.AddError("Docker Image Still Referenced",
			fmt.Sprintf("The server kept docker image %d (%s:%s) after the delete: other objects on the server (jobs or job templates) still refer to it. "+
				"Nothing was changed. Remove those references on the server, then run terraform destroy again; "+
				"or stop managing the image with `terraform state rm`. Server said: %s",
				pk, state.Name.ValueString(), state.Version.ValueString(), ref.Detail))
	default:
		addImageAPIError(&resp.Diagnostics, fmt.Sprintf("delete docker image %d", pk), nil, err)
	}
}

// ImportState accepts a primary key ("12") or "name:version" as the import ID, or an
// identity with pk, or with name and version (Terraform 1.12 and later).
func (r *dockerImageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var pk int64
	switch {
	case req.ID != "":
		var err error
		if pk, err = strconv.ParseInt(req.ID, 10, 64); err != nil {
			splits := nameVersionSplits(req.ID)
			if len(splits) == 0 {
				resp.Diagnostics.AddError("Invalid Import ID",
					fmt.Sprintf("The import ID %q is neither a primary key (e.g. \"12\") nor \"name:version\" (e.g. \"yolo:v7_2022-10-08_cuda11.1\").", req.ID))
				return
			}
			pk = r.pkByNameVersionID(ctx, req.ID, splits, &resp.Diagnostics)
		} else if pk < 1 {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("The import ID %q is not a primary key: primary keys are whole numbers from 1 (e.g. \"12\").", req.ID))
			return
		}
	case req.Identity != nil:
		var id dockerImageIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		switch {
		case !id.PK.IsNull() && id.PK.ValueInt64() < 1:
			resp.Diagnostics.AddError("Invalid Import Identity",
				fmt.Sprintf("The identity's pk is %d, which is no primary key: primary keys are whole numbers from 1, e.g. identity = { pk = 12 }.", id.PK.ValueInt64()))
		case !id.PK.IsNull():
			pk = id.PK.ValueInt64()
		case !id.Name.IsNull() && !id.Version.IsNull():
			pk = r.pkByName(ctx, id.Name.ValueString(), id.Version.ValueString(), &resp.Diagnostics)
		default:
			resp.Diagnostics.AddError("Incomplete Import Identity",
				"An identity to import a docker image needs pk, or both name and version, e.g. identity = { pk = 12 }.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pk"), pk)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(pk, 10))...)
}

// nameVersionSplits lists the ways id reads as "name:version" with neither part empty: one
// for "yolo:v7", two for "a:b:c" (names and versions may hold a colon).
func nameVersionSplits(id string) [][2]string {
	var out [][2]string
	for i := range len(id) {
		if id[i] == ':' && i > 0 && i < len(id)-1 {
			out = append(out, [2]string{id[:i], id[i+1:]})
		}
	}
	return out
}

// pkByNameVersionID finds the image an id of the form name:version means. When the id
// splits more than one way, exactly one of the readings may name an image; two images
// are refused by name, so that the user chooses by pk.
func (r *dockerImageResource) pkByNameVersionID(ctx context.Context, id string, splits [][2]string, diags *diag.Diagnostics) int64 {
	if len(splits) == 1 {
		return r.pkByName(ctx, splits[0][0], splits[0][1], diags)
	}
	var found []*client.Image
	var tried []string
	for _, nv := range splits {
		img, err := r.data.client.FindImage(ctx, nv[0], nv[1])
		if err != nil {
			addImageAPIError(diags, fmt.Sprintf("look up docker image %s", id), nil, err)
			return 0
		}
		tried = append(tried, fmt.Sprintf("name %q with version %q", nv[0], nv[1]))
		if img != nil {
			found = append(found, img)
		}
	}
	switch len(found) {
	case 0:
		diags.AddError("Docker Image Not Found",
			fmt.Sprintf("The server holds no docker image for the import ID %q, read as %s. Check the spelling, or import by primary key.", id, strings.Join(tried, " or as ")))
		return 0
	case 1:
		return found[0].PK
	}
	var which []string
	for _, img := range found {
		which = append(which, fmt.Sprintf("pk %d (name %q, version %q)", img.PK, img.Name, img.Version))
	}
	diags.AddError("Ambiguous Import ID",
		fmt.Sprintf("The import ID %q names more than one docker image, as the colon may belong to the name or to the version: %s. Import the one you mean by its primary key.",
			id, strings.Join(which, " and ")))
	return 0
}

// pkByName finds the pk of the image named name with version version.
func (r *dockerImageResource) pkByName(ctx context.Context, name, version string, diags *diag.Diagnostics) int64 {
	img, err := r.data.client.FindImage(ctx, name, version)
	if err != nil {
		addImageAPIError(diags, fmt.Sprintf("look up docker image %s:%s", name, version), nil, err)
		return 0
	}
	if img == nil {
		diags.AddError("Docker Image Not Found",
			fmt.Sprintf("The server holds no docker image named %q with version %q. %s", name, version, r.versionsUnder(ctx, name)))
		return 0
	}
	return img.PK
}

// versionsUnder says which versions of the image named name the server holds, for an import
// that named a missing one; a failed look-up only makes the message vaguer.
func (r *dockerImageResource) versionsUnder(ctx context.Context, name string) string {
	images, err := r.data.client.ListImages(ctx, &client.Filter{
		Expressions: []client.Expression{{Type: client.ExprExact, Field: client.FieldName, Value: name}},
		OrderBy:     []client.Ordering{{Field: client.FieldVersion, Ascending: true}},
	})
	if err != nil || len(images) == 0 {
		return "Check the spelling, or import by primary key."
	}
	ids := make([]string, len(images))
	for i, img := range images {
		ids[i] = strconv.Quote(img.Name + ":" + img.Version)
	}
	return fmt.Sprintf("Under that name it holds %s: import one of them, or by primary key.", strings.Join(ids, ", "))
}

// storeImage maps img, the server's answer, onto m and writes it to the state, the identity
// and the password digest of private state (old is the digest held before, zero for none):
// how every successful create, read and update ends. domains is the domain table loaded
// before the write, nil when m's domain still holds (see flattenImage).
func storeImage(ctx context.Context, img *client.Image, domains *client.Lookups, m dockerImageModel,
	state *tfsdk.State, id *tfsdk.ResourceIdentity, private privateSetter, old passwordDigest,
) diag.Diagnostics {
	flattenImage(img, domains, &m)
	diags := state.Set(ctx, m)
	diags.Append(setIdentity(ctx, id, m)...)
	diags.Append(rememberPassword(ctx, m, private, old, img)...)
	return diags
}
