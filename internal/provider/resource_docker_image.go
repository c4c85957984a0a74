package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Ensure dockerImageResource satisfies the framework interfaces it implements.
var (
	_ resource.Resource                   = (*dockerImageResource)(nil)
	_ resource.ResourceWithConfigure      = (*dockerImageResource)(nil)
	_ resource.ResourceWithImportState    = (*dockerImageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dockerImageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dockerImageResource)(nil)
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
	ID                        types.String `tfsdk:"id"`
	PK                        types.Int64  `tfsdk:"pk"`
	Name                      types.String `tfsdk:"name"`
	Version                   types.String `tfsdk:"version"`
	URL                       types.String `tfsdk:"url"`
	RegistryURL               types.String `tfsdk:"registry_url"`
	RegistryUsername          types.String `tfsdk:"registry_username"`
	RegistryPassword          types.String `tfsdk:"registry_password"`
	RegistryPasswordWO        types.String `tfsdk:"registry_password_wo"`
	RegistryPasswordWOVersion types.Int64  `tfsdk:"registry_password_wo_version"`
	CUDAVersion               types.String `tfsdk:"cuda_version"`
	Framework                 types.Int64  `tfsdk:"framework"`
	Domain                    types.String `tfsdk:"domain"`
	Tasks                     types.Set    `tfsdk:"tasks"`
	MinHardwareGeneration     types.String `tfsdk:"min_hardware_generation"`
	CPU                       types.Bool   `tfsdk:"cpu"`
	Licence                   types.String `tfsdk:"licence"`
	CUDAFullVersion           types.String `tfsdk:"cuda_full_version"`
	FrameworkName             types.String `tfsdk:"framework_name"`
	FrameworkVersion          types.String `tfsdk:"framework_version"`
	DomainDescription         types.String `tfsdk:"domain_description"`
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
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxName), noSurroundingSpace()},
			},
			"version": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Image version, e.g. `v7_2022-10-08_cuda11.1`. At most %d characters.", maxVersion),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxVersion), noSurroundingSpace()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Where workers pull the image from: registry host, optional port, repository and tag, e.g. `registry.example.com:443/team/yolo:v7`. At most %d characters.", maxURL),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxURL), urlShape()},
			},
			"registry_url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Address of the registry that holds the image, e.g. `registry.example.com:443`; a scheme is optional. At most %d characters.", maxURL),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxURL), urlShape()},
			},
			"cuda_version": schema.StringAttribute{
				MarkdownDescription: "CUDA version the image is built for, as the server's version string, e.g. `11.1`; CPU-only images use `0.0`. Checked against the server's CUDA table at plan time.",
				Required:            true,
			},
			"framework": schema.Int64Attribute{
				MarkdownDescription: "Primary key of the image's framework on the server. Look it up by name and version with the `ufdl_framework` data source rather than writing the number.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Two-letter code of the data domain the image works in, e.g. `od` (Object Detection). Checked against the server's domains at plan time.",
				Required:            true,
			},
			"licence": schema.StringAttribute{
				MarkdownDescription: "Name of the image's licence on the server, e.g. `Apache 2.0`. Checked against the server's licences at plan time.",
				Required:            true,
			},
			// Optional
			"registry_username": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("User for the registry; omit it (rather than writing \"\") when the registry needs no login. At most %d characters.", maxCredential),
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxCredential), noSurroundingSpace(),
				},
			},
			"registry_password": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Password for the registry. Sensitive: never shown in plans, but kept in state; use `registry_password_wo` to keep it out of state. "+
					"When omitted, a new image gets no password and an existing one keeps the password the server holds: this is what lets imported and "+
					"generated configurations (which cannot contain the secret) plan cleanly. While it is set, a change made outside Terraform shows as a diff. At most %d characters.", maxCredential),
				Optional:      true,
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: keepString,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxCredential), noSurroundingSpace(),
					stringvalidator.ConflictsWith(path.MatchRoot("registry_password_wo")),
				},
			},
			"registry_password_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only registry password (Terraform 1.11 and later): sent to the server but never stored in state or plan. " +
					"Terraform cannot tell when it changes, so bump `registry_password_wo_version` to send a new one. Conflicts with `registry_password`.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxCredential), noSurroundingSpace(),
					stringvalidator.AlsoRequires(path.MatchRoot("registry_password_wo_version")),
				},
			},
			"registry_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; change it to send `registry_password_wo` to the server again. Required with `registry_password_wo`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("registry_password_wo"))},
			},
			"tasks": schema.SetAttribute{
				MarkdownDescription: "Names of the job contracts the image can be used with, e.g. `[\"Train\", \"Predict\"]`. A set: order does not matter. Defaults to none.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"min_hardware_generation": schema.StringAttribute{
				MarkdownDescription: "Oldest GPU generation the image runs on, e.g. `Pascal`. May be omitted only for CPU images (`cpu = true`). Checked against the server's hardware table at plan time.",
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
			"framework_name": schema.StringAttribute{
				MarkdownDescription: "Name of the framework `framework` refers to, e.g. `yolo`.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"framework_version": schema.StringAttribute{
				MarkdownDescription: "Version of the framework `framework` refers to, e.g. `v7`.",
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

// ValidateConfig checks the rules that need no server: a GPU image needs a hardware generation.
func (r *dockerImageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg dockerImageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateImageEntry(cfg, &resp.Diagnostics)
	if cfg.CPU.IsUnknown() || cfg.MinHardwareGeneration.IsUnknown() {
		return
	}
	if cfg.MinHardwareGeneration.IsNull() && !cfg.CPU.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("min_hardware_generation"), "Missing Hardware Generation",
			"A GPU image (cpu = false, the default) needs min_hardware_generation, the oldest GPU generation it runs on, e.g. \"Pascal\". "+
				"Set min_hardware_generation, or set cpu = true if the image runs on CPU only.")
	}
}

// ModifyPlan checks lookup values and (name, version) against the server, so that mistakes
// fail at plan rather than halfway through an apply, and marks the computed details of a
// changed lookup as unknown.
func (r *dockerImageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	r.checkImagePlan(ctx, req, resp)
	// Nothing planned to change: every check below concerns a value the server has
	// already accepted for this image, so skip them. A drift-detection plan of N
	// unchanged images then costs no API call and no decoding here.
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, state dockerImageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	lk, err := r.data.lookupsWith(ctx, func(lk *client.Lookups) bool { return len(lookupProblems(lk, plan)) == 0 })
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "load the server's lookup tables", nil, err)
		return
	}
	for _, p := range lookupProblems(lk, plan) {
		resp.Diagnostics.AddAttributeError(p.path, p.summary, p.detail)
	}

	if !creating {
		markChangedDetailsUnknown(&plan, state)
	}
	if !plan.RegistryPasswordWOVersion.IsNull() {
		// The write-only password is in use: the echoed password is never stored.
		plan.RegistryPassword = types.StringNull()
	} else if creating && plan.RegistryPassword.IsUnknown() {
		// Omitted on create: the image gets no password.
		plan.RegistryPassword = types.StringNull()
	}

	if nameChanged := creating || !plan.Name.Equal(state.Name) || !plan.Version.Equal(state.Version); nameChanged &&
		!plan.Name.IsUnknown() && !plan.Version.IsUnknown() {
		existing, err := r.data.findImage(ctx, plan.Name.ValueString(), plan.Version.ValueString())
		if err != nil {
			addImageAPIError(&resp.Diagnostics, "check whether the name and version are free", nil, err)
			return
		}
		if existing != nil && (creating || existing.PK != state.PK.ValueInt64()) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Docker Image Already Exists",
				fmt.Sprintf("The server already holds image %d named %q with version %q, and (name, version) must be unique. "+
					"Choose another name or version, or bring the existing image under Terraform with an import block (id = %q). "+
					"If another block of this configuration already manages it, change or remove one of the two "+
					"(to destroy before fixing the configuration: terraform destroy -refresh=false).",
					existing.PK, plan.Name.ValueString(), plan.Version.ValueString(), plan.Name.ValueString()+":"+plan.Version.ValueString()))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *dockerImageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dockerImageModel
	var wo types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("registry_password_wo"), &wo)...)
	if resp.Diagnostics.HasError() {
		return
	}

	spec, diags := imageSpecFromModel(ctx, plan, wo)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	img, err := r.data.client.CreateImage(ctx, spec)
	if img != nil {
		r.data.wrote(img.PK)
	}
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "create the docker image", &spec, err)
		return
	}

	resp.Diagnostics.Append(r.fill(ctx, img, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

func (r *dockerImageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dockerImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Import reads exactly; refreshes share list calls with the rest of the process.
	exact, diags := req.Private.GetKey(ctx, privateExactRead)
	resp.Diagnostics.Append(diags...)
	var img *client.Image
	var err error
	if len(exact) > 0 {
		img, err = r.data.client.GetImage(ctx, state.PK.ValueInt64())
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateExactRead, nil)...)
	} else {
		img, err = r.data.readImage(ctx, state.PK.ValueInt64())
	}
	if client.IsNotFound(err) {
		// Deleted outside Terraform: forget it, so the next plan creates it again. The
		// framework still wants an identity from a read (even a removing one, and even on
		// Terraform 1.11, where it is dropped), so the last known one is returned.
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
		return
	}
	if err != nil {
		addImageAPIError(&resp.Diagnostics, fmt.Sprintf("read docker image %d", state.PK.ValueInt64()), nil, err)
		return
	}

	resp.Diagnostics.Append(r.fill(ctx, img, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state)...)
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

	spec, diags := imageSpecFromModel(ctx, plan, wo)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	pk := state.PK.ValueInt64()
	action := fmt.Sprintf("update docker image %d", pk)
	r.data.wrote(pk)

	var img *client.Image
	var err error
	if r.data.updateMethod == updateMethodPut {
		img, err = r.data.client.ReplaceImage(ctx, pk, spec)
	} else {
		fields := changedFields(plan, state)
		if len(fields) == 0 {
			// Only Terraform-side attributes changed (e.g. the write-only version went away).
			img, err = r.data.client.GetImage(ctx, pk)
		} else {
			img, err = r.data.client.PatchImage(ctx, pk, spec, fields)
		}
	}
	if err != nil {
		addImageAPIError(&resp.Diagnostics, action, &spec, err)
		return
	}

	resp.Diagnostics.Append(r.fill(ctx, img, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan)...)
}

func (r *dockerImageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dockerImageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pk := state.PK.ValueInt64()
	r.data.wrote(pk)

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
			name, version, ok := strings.Cut(req.ID, ":")
			if !ok || name == "" || version == "" {
				resp.Diagnostics.AddError("Invalid Import ID",
					fmt.Sprintf("The import ID %q is neither a primary key (e.g. \"12\") nor \"name:version\" (e.g. \"yolo:v7_2022-10-08_cuda11.1\").", req.ID))
				return
			}
			pk = r.pkByName(ctx, name, version, &resp.Diagnostics)
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
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateExactRead, []byte(`true`))...)
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
			fmt.Sprintf("The server holds no docker image named %q with version %q. Check the spelling, or import by primary key.", name, version))
		return 0
	}
	return img.PK
}

// privateExactRead marks a resource just imported: its first read is an exact GET, not a
// batched one, so that import reports precisely what the server holds now.
const privateExactRead = "exact_read"

// fill copies a server response into m, mapping response forms back to the forms users write.
func (r *dockerImageResource) fill(ctx context.Context, img *client.Image, m *dockerImageModel) (diags diag.Diagnostics) {
	lk, err := r.data.lookupsWith(ctx, func(lk *client.Lookups) bool {
		_, ok := lk.DomainByDescription(img.Domain)
		return ok
	})
	if err != nil {
		addImageAPIError(&diags, "load the server's lookup tables", nil, err)
		return diags
	}
	diags.Append(flattenImage(ctx, img, lk, m)...)
	return diags
}
