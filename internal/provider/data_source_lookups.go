// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The lookup data sources read the tables a docker image refers to, so that configurations
// can name a framework, CUDA version, ... instead of writing primary keys. They read the
// provider's cached copy of the tables (one load per provider process), reloaded once when
// a value is not in it, as it may have been added since.
//
// All six are one lookupDataSource; a lookupSpec says what sets each apart.

var _ datasource.DataSourceWithConfigure = (*lookupDataSource[domainModel, client.Domain])(nil)

// lookupSpec describes one lookup data source: M is its model, R the row of its table.
type lookupSpec[M, R any] struct {
	typeName    string     // after the provider's name: "_framework"
	description string     // of the data source
	kind        lookupKind // the table; its noun also describes "pk" and names a miss
	key         string     // the attribute a miss is reported at
	attributes  map[string]schema.Attribute
	what        func(*M) string                     // the configured value as a miss names it: `"11.1"`
	find        func(*client.Lookups, *M) (R, bool) // the row the configuration asks for
	fill        func(*M, R)                         // sets the computed attributes from the row
}

// lookupDataSource is a lookup data source; every one also has the computed "pk".
type lookupDataSource[M, R any] struct {
	spec lookupSpec[M, R]
	data *providerData
}

func newLookupDataSource[M, R any](spec lookupSpec[M, R]) datasource.DataSource {
	return &lookupDataSource[M, R]{spec: spec}
}

func (d *lookupDataSource[M, R]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *lookupDataSource[M, R]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.spec.typeName
}

func (d *lookupDataSource[M, R]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := maps.Clone(d.spec.attributes) // the spec's map is shared by every Schema call
	attrs["pk"] = schema.Int64Attribute{MarkdownDescription: "Primary key of the " + d.spec.kind.noun + " on the server.", Computed: true}
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: attrs}
}

// Read finds the row in the cached table, reloaded once when it misses it, and reports a
// miss at the key attribute with the valid choices.
func (d *lookupDataSource[M, R]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lk, diags := d.data.lookUp(ctx, lookupCheck{path: path.Root(d.spec.key), kind: d.spec.kind, what: d.spec.what(&m),
		found: func(lk *client.Lookups) bool { _, ok := d.spec.find(lk, &m); return ok }})
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	row, _ := d.spec.find(lk, &m)
	d.spec.fill(&m, row)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// quoted is what a miss names for a value looked up by one string: `"11.1"`.
func quoted(v types.String) string { return strconv.Quote(v.ValueString()) }

// ---- ufdl_framework

type frameworkModel struct {
	Name    types.String `tfsdk:"name"`
	Version types.String `tfsdk:"version"`
	PK      types.Int64  `tfsdk:"pk"`
}

// NewFrameworkDataSource returns the ufdl_framework data source.
func NewFrameworkDataSource() datasource.DataSource {
	return newLookupDataSource(lookupSpec[frameworkModel, client.Framework]{
		typeName: "_framework", kind: frameworkKind, key: "name",
		description: "Finds a framework of the UFDL server by name and version, for the `framework` argument of `ufdl_dockerimage`: " +
			"`framework = data.ufdl_framework.yolo.pk`.",
		attributes: map[string]schema.Attribute{
			"name":    schema.StringAttribute{MarkdownDescription: "Framework name, e.g. `yolo`.", Required: true},
			"version": schema.StringAttribute{MarkdownDescription: "Framework version, e.g. `v7`.", Required: true},
		},
		what: func(m *frameworkModel) string { return namedVersion(m.Name.ValueString(), m.Version.ValueString()) },
		find: func(lk *client.Lookups, m *frameworkModel) (client.Framework, bool) {
			return lk.FrameworkByNameVersion(m.Name.ValueString(), m.Version.ValueString())
		},
		fill: func(m *frameworkModel, fw client.Framework) { m.PK = types.Int64Value(fw.PK) },
	})
}

// ---- ufdl_cuda_version

type cudaVersionModel struct {
	Version          types.String `tfsdk:"version"`
	PK               types.Int64  `tfsdk:"pk"`
	FullVersion      types.String `tfsdk:"full_version"`
	MinDriverVersion types.String `tfsdk:"min_driver_version"`
}

// NewCUDAVersionDataSource returns the ufdl_cuda_version data source.
func NewCUDAVersionDataSource() datasource.DataSource {
	return newLookupDataSource(lookupSpec[cudaVersionModel, client.CUDAVersion]{
		typeName: "_cuda_version", kind: cudaKind, key: "version",
		description: "Finds a CUDA version of the UFDL server by its version string, e.g. to check it exists before images use it, or to learn its driver requirement.",
		attributes: map[string]schema.Attribute{
			"version":            schema.StringAttribute{MarkdownDescription: "CUDA version string as images use it, e.g. `11.1`; CPU images use `0.0`.", Required: true},
			"full_version":       schema.StringAttribute{MarkdownDescription: "Full version, e.g. `11.1.0`.", Computed: true},
			"min_driver_version": schema.StringAttribute{MarkdownDescription: "Oldest NVIDIA driver that supports it, e.g. `455.23.05`.", Computed: true},
		},
		what: func(m *cudaVersionModel) string { return quoted(m.Version) },
		find: func(lk *client.Lookups, m *cudaVersionModel) (client.CUDAVersion, bool) {
			return lk.CUDAByVersion(m.Version.ValueString())
		},
		fill: func(m *cudaVersionModel, v client.CUDAVersion) {
			m.PK = types.Int64Value(v.PK)
			m.FullVersion = types.StringValue(v.FullVersion)
			m.MinDriverVersion = types.StringValue(v.MinDriverVersion)
		},
	})
}

// ---- ufdl_hardware_generation

type hardwareGenerationModel struct {
	Generation           types.String  `tfsdk:"generation"`
	PK                   types.Int64   `tfsdk:"pk"`
	MinComputeCapability types.Float64 `tfsdk:"min_compute_capability"`
	MaxComputeCapability types.Float64 `tfsdk:"max_compute_capability"`
}

// NewHardwareGenerationDataSource returns the ufdl_hardware_generation data source.
func NewHardwareGenerationDataSource() datasource.DataSource {
	return newLookupDataSource(lookupSpec[hardwareGenerationModel, client.HardwareGeneration]{
		typeName: "_hardware_generation", kind: hardwareKind, key: "generation",
		description: "Finds a GPU hardware generation of the UFDL server by name, with the compute capabilities it spans.",
		attributes: map[string]schema.Attribute{
			"generation":             schema.StringAttribute{MarkdownDescription: "Generation name as images use it in `min_hardware_generation`, e.g. `Pascal`.", Required: true},
			"min_compute_capability": schema.Float64Attribute{MarkdownDescription: "Lowest compute capability of the generation (inclusive), e.g. `6`.", Computed: true},
			"max_compute_capability": schema.Float64Attribute{MarkdownDescription: "Compute capability where the next generation starts (exclusive), e.g. `7`.", Computed: true},
		},
		what: func(m *hardwareGenerationModel) string { return quoted(m.Generation) },
		find: func(lk *client.Lookups, m *hardwareGenerationModel) (client.HardwareGeneration, bool) {
			return lk.HardwareByGeneration(m.Generation.ValueString())
		},
		fill: func(m *hardwareGenerationModel, h client.HardwareGeneration) {
			m.PK = types.Int64Value(h.PK)
			m.MinComputeCapability = types.Float64Value(h.MinComputeCapability)
			m.MaxComputeCapability = types.Float64Value(h.MaxComputeCapability)
		},
	})
}

// ---- ufdl_licence

type licenceModel struct {
	Name        types.String `tfsdk:"name"`
	PK          types.Int64  `tfsdk:"pk"`
	URL         types.String `tfsdk:"url"`
	Domains     []string     `tfsdk:"domains"`
	Permissions []string     `tfsdk:"permissions"`
	Limitations []string     `tfsdk:"limitations"`
	Conditions  []string     `tfsdk:"conditions"`
}

// NewLicenceDataSource returns the ufdl_licence data source.
func NewLicenceDataSource() datasource.DataSource {
	names := func(what string) schema.ListAttribute {
		return schema.ListAttribute{MarkdownDescription: "Names of the licence's " + what + ", sorted.", ElementType: types.StringType, Computed: true}
	}
	return newLookupDataSource(lookupSpec[licenceModel, client.Licence]{
		typeName: "_licence", kind: licenceKind, key: "name",
		description: "Finds a licence of the UFDL server by name, with its terms.",
		attributes: map[string]schema.Attribute{
			"name":        schema.StringAttribute{MarkdownDescription: "Licence name as images use it in `licence`, e.g. `GPL3` or `Apache 2.0`.", Required: true},
			"url":         schema.StringAttribute{MarkdownDescription: "Where the licence text is, e.g. `https://opensource.org/licenses/GPL-3.0`.", Computed: true},
			"domains":     names("domains"),
			"permissions": names("permissions"),
			"limitations": names("limitations"),
			"conditions":  names("conditions"),
		},
		what: func(m *licenceModel) string { return quoted(m.Name) },
		find: func(lk *client.Lookups, m *licenceModel) (client.Licence, bool) {
			return lk.LicenceByName(m.Name.ValueString())
		},
		fill: func(m *licenceModel, l client.Licence) {
			m.PK = types.Int64Value(l.PK)
			m.URL = types.StringValue(l.URL)
			m.Domains, m.Permissions, m.Limitations, m.Conditions = sortedList(l.Domains), sortedList(l.Permissions), sortedList(l.Limitations), sortedList(l.Conditions)
		},
	})
}

// sortedList returns s sorted, never nil: an empty list in state, not null.
func sortedList(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	return slices.Sorted(slices.Values(s))
}

// ---- ufdl_domain

type domainModel struct {
	Code        types.String `tfsdk:"code"`
	PK          types.Int64  `tfsdk:"pk"`
	Description types.String `tfsdk:"description"`
}

// NewDomainDataSource returns the ufdl_domain data source.
func NewDomainDataSource() datasource.DataSource {
	return newLookupDataSource(lookupSpec[domainModel, client.Domain]{
		typeName: "_domain", kind: domainKind, key: "code",
		description: "Finds a data domain of the UFDL server by its two-letter code: what kind of data an image works on, e.g. `od` for object detection. " +
			"Domains are read-only: the UFDL backend answers 403 to every write of its domain table, an admin's too, so the provider has no " +
			"`ufdl_domain` resource; a deployment's domains come with its installation. They are not a licence's `domains` " +
			"(" + docChoices(licenceDomains) + "), which say what a licence covers.",
		attributes: map[string]schema.Attribute{
			"code":        schema.StringAttribute{MarkdownDescription: "Two-letter domain code as images use it in `domain`, e.g. `od`.", Required: true},
			"description": schema.StringAttribute{MarkdownDescription: "Long name of the domain, e.g. `Object Detection`.", Computed: true},
		},
		what: func(m *domainModel) string { return "with code " + quoted(m.Code) },
		find: func(lk *client.Lookups, m *domainModel) (client.Domain, bool) {
			return lk.DomainByCode(m.Code.ValueString())
		},
		fill: func(m *domainModel, dom client.Domain) {
			m.PK = types.Int64Value(dom.PK)
			m.Description = types.StringValue(dom.Description)
		},
	})
}

// ---- ufdl_job_contract

type jobContractModel struct {
	Name types.String `tfsdk:"name"`
	PK   types.Int64  `tfsdk:"pk"`
	Pkg  types.String `tfsdk:"pkg"`
	Cls  types.String `tfsdk:"cls"`
}

// NewJobContractDataSource returns the ufdl_job_contract data source.
func NewJobContractDataSource() datasource.DataSource {
	return newLookupDataSource(lookupSpec[jobContractModel, client.JobContract]{
		typeName: "_job_contract", kind: taskKind, key: "name",
		description: "Finds a job contract (a task such as `Train` or `Predict`) of the UFDL server by name.",
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: "Job-contract name as images use it in `tasks`, e.g. `Train`.", Required: true},
			"pkg":  schema.StringAttribute{MarkdownDescription: "Python package that defines the contract, e.g. `ufdl.jobcontracts`.", Computed: true},
			"cls":  schema.StringAttribute{MarkdownDescription: "Python class of the contract, e.g. `ufdl.jobcontracts.standard.Train`.", Computed: true},
		},
		what: func(m *jobContractModel) string { return quoted(m.Name) },
		find: func(lk *client.Lookups, m *jobContractModel) (client.JobContract, bool) {
			return lk.JobContractByName(m.Name.ValueString())
		},
		fill: func(m *jobContractModel, j client.JobContract) {
			m.PK = types.Int64Value(j.PK)
			m.Pkg = types.StringValue(j.Pkg)
			m.Cls = types.StringValue(j.Cls)
		},
	})
}
