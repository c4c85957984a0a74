package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The lookup data sources read the tables a docker image refers to, so that configurations
// can name a framework, CUDA version, ... instead of writing primary keys. They read the
// provider's cached copy of the tables (one load per provider process), reloaded once when
// a value is not in it, as it may have been added since.

// Ensure the lookup data sources satisfy the framework interfaces they implement.
var (
	_ datasource.DataSourceWithConfigure = (*frameworkDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*cudaVersionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*hardwareGenerationDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*licenceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*domainDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*jobContractDataSource)(nil)
)

// NewFrameworkDataSource returns the ufdl_framework data source.
func NewFrameworkDataSource() datasource.DataSource { return &frameworkDataSource{} }

// NewCUDAVersionDataSource returns the ufdl_cuda_version data source.
func NewCUDAVersionDataSource() datasource.DataSource { return &cudaVersionDataSource{} }

// NewHardwareGenerationDataSource returns the ufdl_hardware_generation data source.
func NewHardwareGenerationDataSource() datasource.DataSource { return &hardwareGenerationDataSource{} }

// NewLicenceDataSource returns the ufdl_licence data source.
func NewLicenceDataSource() datasource.DataSource { return &licenceDataSource{} }

// NewDomainDataSource returns the ufdl_domain data source.
func NewDomainDataSource() datasource.DataSource { return &domainDataSource{} }

// NewJobContractDataSource returns the ufdl_job_contract data source.
func NewJobContractDataSource() datasource.DataSource { return &jobContractDataSource{} }

// lookupBase is what every lookup data source shares: the provider's data.
type lookupBase struct {
	data *providerData
}

func (b *lookupBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

// lookUp finds a row with get in table k, reloaded once when get misses it, and reports a
// miss at attr (the value written there is what) with the valid choices.
func lookUp[T any](ctx context.Context, b *lookupBase, diags *diag.Diagnostics, k lookupKind, attr, what string, get func(*client.Lookups) (T, bool)) (row T, found bool) {
	lk, err := b.data.client.LookupsWith(ctx, func(lk *client.Lookups) bool { _, ok := get(lk); return ok }, k.table)
	if err != nil {
		addImageAPIError(diags, "load the server's lookup tables", nil, err)
		return row, false
	}
	if row, found = get(lk); !found {
		diags.Append(unknownLookup(path.Root(attr), k, what, lk))
	}
	return row, found
}

// lookupPK describes the primary key every lookup data source returns.
func lookupPK(what string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: "Primary key of the " + what + " on the server.", Computed: true}
}

// ---- ufdl_framework

type frameworkDataSource struct{ lookupBase }

type frameworkModel struct {
	Name    types.String `tfsdk:"name"`
	Version types.String `tfsdk:"version"`
	PK      types.Int64  `tfsdk:"pk"`
}

func (d *frameworkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_framework"
}

func (d *frameworkDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a framework of the UFDL server by name and version, for the `framework` argument of `ufdl_dockerimage`: " +
			"`framework = data.ufdl_framework.yolo.pk`.",
		Attributes: map[string]schema.Attribute{
			// Required
			"name":    schema.StringAttribute{MarkdownDescription: "Framework name, e.g. `yolo`.", Required: true},
			"version": schema.StringAttribute{MarkdownDescription: "Framework version, e.g. `v7`.", Required: true},
			// Computed
			"pk": lookupPK("framework"),
		},
	}
}

func (d *frameworkDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m frameworkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	fw, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, frameworkKind, "name",
		fmt.Sprintf("named %q with version %q", m.Name.ValueString(), m.Version.ValueString()),
		func(lk *client.Lookups) (client.Framework, bool) {
			return lk.FrameworkByNameVersion(m.Name.ValueString(), m.Version.ValueString())
		})
	if !ok {
		return
	}
	m.PK = types.Int64Value(fw.PK)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ---- ufdl_cuda_version

type cudaVersionDataSource struct{ lookupBase }

type cudaVersionModel struct {
	Version          types.String `tfsdk:"version"`
	PK               types.Int64  `tfsdk:"pk"`
	FullVersion      types.String `tfsdk:"full_version"`
	MinDriverVersion types.String `tfsdk:"min_driver_version"`
}

func (d *cudaVersionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cuda_version"
}

func (d *cudaVersionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a CUDA version of the UFDL server by its version string, e.g. to check it exists before images use it, or to learn its driver requirement.",
		Attributes: map[string]schema.Attribute{
			// Required
			"version": schema.StringAttribute{MarkdownDescription: "CUDA version string as images use it, e.g. `11.1`; CPU images use `0.0`.", Required: true},
			// Computed
			"pk":                 lookupPK("CUDA version"),
			"full_version":       schema.StringAttribute{MarkdownDescription: "Full version, e.g. `11.1.0`.", Computed: true},
			"min_driver_version": schema.StringAttribute{MarkdownDescription: "Oldest NVIDIA driver that supports it, e.g. `455.23.05`.", Computed: true},
		},
	}
}

func (d *cudaVersionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m cudaVersionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	version := m.Version.ValueString()
	v, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, cudaKind, "version", strconv.Quote(version),
		func(lk *client.Lookups) (client.CUDAVersion, bool) { return lk.CUDAByVersion(version) })
	if !ok {
		return
	}
	m.PK = types.Int64Value(v.PK)
	m.FullVersion = types.StringValue(v.FullVersion)
	m.MinDriverVersion = types.StringValue(v.MinDriverVersion)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ---- ufdl_hardware_generation

type hardwareGenerationDataSource struct{ lookupBase }

type hardwareGenerationModel struct {
	Generation           types.String  `tfsdk:"generation"`
	PK                   types.Int64   `tfsdk:"pk"`
	MinComputeCapability types.Float64 `tfsdk:"min_compute_capability"`
	MaxComputeCapability types.Float64 `tfsdk:"max_compute_capability"`
}

func (d *hardwareGenerationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hardware_generation"
}

func (d *hardwareGenerationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a GPU hardware generation of the UFDL server by name, with the compute capabilities it spans.",
		Attributes: map[string]schema.Attribute{
			// Required
			"generation": schema.StringAttribute{MarkdownDescription: "Generation name as images use it in `min_hardware_generation`, e.g. `Pascal`.", Required: true},
			// Computed
			"pk":                     lookupPK("hardware generation"),
			"min_compute_capability": schema.Float64Attribute{MarkdownDescription: "Lowest compute capability of the generation (inclusive), e.g. `6`.", Computed: true},
			"max_compute_capability": schema.Float64Attribute{MarkdownDescription: "Compute capability where the next generation starts (exclusive), e.g. `7`.", Computed: true},
		},
	}
}

func (d *hardwareGenerationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m hardwareGenerationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gen := m.Generation.ValueString()
	h, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, hardwareKind, "generation", strconv.Quote(gen),
		func(lk *client.Lookups) (client.HardwareGeneration, bool) { return lk.HardwareByGeneration(gen) })
	if !ok {
		return
	}
	m.PK = types.Int64Value(h.PK)
	m.MinComputeCapability = types.Float64Value(h.MinComputeCapability)
	m.MaxComputeCapability = types.Float64Value(h.MaxComputeCapability)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ---- ufdl_licence

type licenceDataSource struct{ lookupBase }

type licenceModel struct {
	Name        types.String `tfsdk:"name"`
	PK          types.Int64  `tfsdk:"pk"`
	URL         types.String `tfsdk:"url"`
	Domains     []string     `tfsdk:"domains"`
	Permissions []string     `tfsdk:"permissions"`
	Limitations []string     `tfsdk:"limitations"`
	Conditions  []string     `tfsdk:"conditions"`
}

func (d *licenceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_licence"
}

func (d *licenceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	names := func(what string) schema.ListAttribute {
		return schema.ListAttribute{MarkdownDescription: "Names of the licence's " + what + ", sorted.", ElementType: types.StringType, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a licence of the UFDL server by name, with its terms.",
		Attributes: map[string]schema.Attribute{
			// Required
			"name": schema.StringAttribute{MarkdownDescription: "Licence name as images use it in `licence`, e.g. `GPL3` or `Apache 2.0`.", Required: true},
			// Computed
			"pk":          lookupPK("licence"),
			"url":         schema.StringAttribute{MarkdownDescription: "Where the licence text is, e.g. `https://opensource.org/licenses/GPL-3.0`.", Computed: true},
			"domains":     names("domains"),
			"permissions": names("permissions"),
			"limitations": names("limitations"),
			"conditions":  names("conditions"),
		},
	}
}

func (d *licenceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m licenceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	l, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, licenceKind, "name", strconv.Quote(name),
		func(lk *client.Lookups) (client.Licence, bool) { return lk.LicenceByName(name) })
	if !ok {
		return
	}
	m.PK = types.Int64Value(l.PK)
	m.URL = types.StringValue(l.URL)
	m.Domains, m.Permissions, m.Limitations, m.Conditions = sortedCopy(l.Domains), sortedCopy(l.Permissions), sortedCopy(l.Limitations), sortedCopy(l.Conditions)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// sortedCopy returns s sorted, never nil (an empty list rather than null).
func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// ---- ufdl_domain

type domainDataSource struct{ lookupBase }

type domainModel struct {
	Code        types.String `tfsdk:"code"`
	PK          types.Int64  `tfsdk:"pk"`
	Description types.String `tfsdk:"description"`
}

func (d *domainDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_domain"
}

func (d *domainDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a data domain of the UFDL server by its two-letter code.",
		Attributes: map[string]schema.Attribute{
			// Required
			"code": schema.StringAttribute{MarkdownDescription: "Two-letter domain code as images use it in `domain`, e.g. `od`.", Required: true},
			// Computed
			"pk":          lookupPK("domain"),
			"description": schema.StringAttribute{MarkdownDescription: "Long name of the domain, e.g. `Object Detection`.", Computed: true},
		},
	}
}

func (d *domainDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m domainModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	code := m.Code.ValueString()
	dom, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, domainKind, "code", "with code "+strconv.Quote(code),
		func(lk *client.Lookups) (client.Domain, bool) { return lk.DomainByCode(code) })
	if !ok {
		return
	}
	m.PK = types.Int64Value(dom.PK)
	m.Description = types.StringValue(dom.Description)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ---- ufdl_job_contract

type jobContractDataSource struct{ lookupBase }

type jobContractModel struct {
	Name types.String `tfsdk:"name"`
	PK   types.Int64  `tfsdk:"pk"`
	Pkg  types.String `tfsdk:"pkg"`
	Cls  types.String `tfsdk:"cls"`
}

func (d *jobContractDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job_contract"
}

func (d *jobContractDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a job contract (a task such as `Train` or `Predict`) of the UFDL server by name.",
		Attributes: map[string]schema.Attribute{
			// Required
			"name": schema.StringAttribute{MarkdownDescription: "Job-contract name as images use it in `tasks`, e.g. `Train`.", Required: true},
			// Computed
			"pk":  lookupPK("job contract"),
			"pkg": schema.StringAttribute{MarkdownDescription: "Python package that defines the contract, e.g. `ufdl.jobcontracts`.", Computed: true},
			"cls": schema.StringAttribute{MarkdownDescription: "Python class of the contract, e.g. `ufdl.jobcontracts.standard.Train`.", Computed: true},
		},
	}
}

func (d *jobContractDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m jobContractModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	j, ok := lookUp(ctx, &d.lookupBase, &resp.Diagnostics, taskKind, "name", strconv.Quote(name),
		func(lk *client.Lookups) (client.JobContract, bool) { return lk.JobContractByName(name) })
	if !ok {
		return
	}
	m.PK = types.Int64Value(j.PK)
	m.Pkg = types.StringValue(j.Pkg)
	m.Cls = types.StringValue(j.Cls)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
