// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package provider implements the ufdl Terraform provider on terraform-plugin-framework.
// It is the only package that imports the framework; HTTP and API details live in
// internal/client.
package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Address is the provider's registry address, used by main and by dev_overrides.
const Address = "registry.terraform.io/waikato-ufdl/ufdl"

// Environment variables that stand in for provider attributes. The configuration wins.
const (
	envHost           = "UFDL_HOST"
	envUsername       = "UFDL_USERNAME"
	envPassword       = "UFDL_PASSWORD"
	envCACertPEM      = "UFDL_CA_CERT_PEM"
	envCACertFile     = "UFDL_CA_CERT_FILE"
	envInsecure       = "UFDL_INSECURE_SKIP_VERIFY"
	envRequestTimeout = "UFDL_REQUEST_TIMEOUT_SECONDS"
	envMaxRetries     = "UFDL_MAX_RETRIES"
	envUpdateMethod   = "UFDL_UPDATE_METHOD"
	envBatchReads     = "UFDL_BATCH_READS"
)

// The client's defaults and limits, in the units of the provider's settings.
const (
	defaultRequestTimeoutSeconds = int64(client.DefaultRequestTimeout / time.Second)
	minRequestTimeoutSeconds     = int64(client.MinRequestTimeout / time.Second)
	maxRequestTimeoutSeconds     = int64(client.MaxRequestTimeout / time.Second)
	defaultMaxRetries            = int64(client.DefaultMaxRetries)
	maxMaxRetries                = int64(client.MaxMaxRetries)
	updateMethodPatch            = "patch"
	updateMethodPut              = "put"
)

var updateMethods = []string{updateMethodPatch, updateMethodPut}

var (
	_ provider.Provider                  = (*ufdlProvider)(nil)
	_ provider.ProviderWithListResources = (*ufdlProvider)(nil)
)

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ufdlProvider{version: version}
	}
}

type ufdlProvider struct {
	version string
}

type providerModel struct {
	Host                  types.String `tfsdk:"host"`
	Username              types.String `tfsdk:"username"`
	Password              types.String `tfsdk:"password"`
	CACertPEM             types.String `tfsdk:"ca_cert_pem"`
	CACertFile            types.String `tfsdk:"ca_cert_file"`
	InsecureSkipVerify    types.Bool   `tfsdk:"insecure_skip_verify"`
	RequestTimeoutSeconds types.Int64  `tfsdk:"request_timeout_seconds"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	UpdateMethod          types.String `tfsdk:"update_method"`
	BatchReads            types.Bool   `tfsdk:"batch_reads"`

	RegistryCheck          types.String `tfsdk:"registry_check"`
	RegistryCheckUnchanged types.Bool   `tfsdk:"registry_check_unchanged"`
}

func (p *ufdlProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ufdl"
	resp.Version = p.version
}

func (p *ufdlProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the docker-image catalog of a [UFDL](https://github.com/waikato-ufdl) deployment. " +
			"Every attribute can also be set through an environment variable; a value in the configuration wins.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "Base URL of the UFDL server, e.g. `http://127.0.0.1:8000`. Environment variable: `" + envHost + "`.",
				Optional:            true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "User to log in as. Creating, changing and deleting images needs an admin (`is_staff`) user. Environment variable: `" + envUsername + "`.",
				Optional:            true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of `username`. Environment variable: `" + envPassword + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates to trust in addition to the system's, for servers with a private CA. Conflicts with `ca_cert_file`. Environment variable: `" + envCACertPEM + "`.",
				Optional:            true,
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path of a PEM file with CA certificates to trust in addition to the system's. Conflicts with `ca_cert_pem`. Environment variable: `" + envCACertFile + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_pem"))},
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for throw-away test servers. Defaults to `false`. Environment variable: `" + envInsecure + "`.",
				Optional:            true,
			},
			"request_timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Timeout of one HTTP attempt, in seconds. Defaults to `%d`. Environment variable: `%s`.", defaultRequestTimeoutSeconds, envRequestTimeout),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(minRequestTimeoutSeconds, maxRequestTimeoutSeconds)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a failed request (connection error, 429 or 5xx) is retried, with jittered exponential back-off; a change (PATCH, PUT, DELETE) that the server answers with 500 is retried once, as the server most likely fails on it again. Defaults to `%d`. Environment variable: `%s`.", defaultMaxRetries, envMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"update_method": schema.StringAttribute{
				MarkdownDescription: "How changes are sent: " + docChoices(updateMethods) + ". `patch` sends only the changed fields, `put` the whole image. Defaults to `patch`. Environment variable: `" + envUpdateMethod + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(updateMethods...)},
			},
			"batch_reads": schema.BoolAttribute{
				MarkdownDescription: "Share list calls among the reads of images that Terraform makes at the same time (`-parallelism`, 10 by default): " +
					"each list selects exactly the images asked for, and is sent once the reads made together have joined it, or after a short wait sized by the server's measured round trip. " +
					"`false` reads every image with its own GET; only to compare. Defaults to `true`. Environment variable: `" + envBatchReads + "`.",
				Optional: true,
			},
		},
	}
	addRegistryCheckAttributes(resp.Schema.Attributes)
}

func (p *ufdlProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings, diags := resolveSettings(cfg, os.LookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx, settings.client.Password)

	clientCfg := settings.client
	clientCfg.UserAgent = "terraform-provider-ufdl/" + p.version + " (+" + req.TerraformVersion + ")"
	clientCfg.Logger = tflogAdapter{secrets: nonEmpty(settings.client.Password)}
	c, err := client.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid UFDL Client Settings",
			fmt.Sprintf("The provider settings could not be used: %s.", strings.TrimSuffix(err.Error(), ".")))
		return
	}
	if err := c.Login(ctx); err != nil {
		addLoginError(&resp.Diagnostics, settings, err)
		return
	}
	tflog.Debug(ctx, "logged in to UFDL server", map[string]any{"host": settings.client.Host, "username": settings.client.Username})

	data := newProviderData(c, settings)
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *ufdlProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDockerImageResource,
		NewFrameworkResource,
		NewCUDAVersionResource,
		NewHardwareGenerationResource,
		NewLicenceResource,
		NewJobContractResource,
	}
}

func (p *ufdlProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewDockerImageListResource,
		NewFrameworkListResource,
		NewCUDAVersionListResource,
		NewHardwareGenerationListResource,
		NewLicenceListResource,
		NewJobContractListResource,
	}
}

func (p *ufdlProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDockerImagesDataSource,
		NewDockerImageDataSource,
		NewFrameworkDataSource,
		NewCUDAVersionDataSource,
		NewHardwareGenerationDataSource,
		NewLicenceDataSource,
		NewDomainDataSource,
		NewJobContractDataSource,
		NewImageDigestDataSource,
	}
}

// settings is the provider configuration after environment fallbacks and defaults.
type settings struct {
	client       client.Config // how to reach the server, as the client takes it
	updateMethod string
	registry     registrySettings
}

// resolveSettings merges configuration, environment and defaults, and reports every missing
// or malformed value at once, naming both the attribute and its environment variable.
func resolveSettings(cfg providerModel, lookupEnv func(string) (string, bool)) (settings, diag.Diagnostics) {
	r := settingReader{lookupEnv: lookupEnv}
	var s settings
	c := &s.client
	c.Host = strings.TrimRight(r.required(cfg.Host, "host", envHost), "/")
	c.Username = r.required(cfg.Username, "username", envUsername)
	c.Password = r.required(cfg.Password, "password", envPassword)
	ca := r.caBundle(cfg)
	c.CACertPEM = ca.pem
	c.InsecureSkipVerify = r.boolean(cfg.InsecureSkipVerify, "insecure_skip_verify", envInsecure, false)
	c.RequestTimeout = time.Duration(r.integer(cfg.RequestTimeoutSeconds, "request_timeout_seconds", envRequestTimeout,
		defaultRequestTimeoutSeconds, minRequestTimeoutSeconds, maxRequestTimeoutSeconds)) * time.Second
	c.MaxRetries = int(r.integer(cfg.MaxRetries, "max_retries", envMaxRetries, defaultMaxRetries, 0, maxMaxRetries))
	c.SingleReads = !r.boolean(cfg.BatchReads, "batch_reads", envBatchReads, true)
	r.clientProblems(*c, ca)
	s.updateMethod = r.choice(cfg.UpdateMethod, "update_method", envUpdateMethod, updateMethods)
	s.registry = r.registry(cfg)
	return s, r.diags
}

// settingReader reads provider settings, each from its attribute or else its environment
// variable, and collects what is wrong with them.
type settingReader struct {
	lookupEnv func(string) (string, bool)
	diags     diag.Diagnostics
}

// attrError reports a problem of the setting attr: at the attribute, unless it is secret.
// Terraform prints the configuration line of an attribute's diagnostic, which holds the
// password when it is written as a literal; the message names the attribute in words.
func (r *settingReader) attrError(attr, summary, detail string) {
	if attr == "password" {
		r.diags.AddError(summary, detail)
		return
	}
	r.diags.AddAttributeError(path.Root(attr), summary, detail)
}

// str reads a string setting; "" when it is set nowhere.
func (r *settingReader) str(v types.String, attr, env string) string {
	if v.IsUnknown() {
		r.attrError(attr, "Unknown Provider Setting",
			fmt.Sprintf("%s depends on a value that is only known after apply. The provider must be configured before any resource is planned; use a literal, a variable or %s.", attr, env))
		return ""
	}
	if !v.IsNull() && strings.TrimSpace(v.ValueString()) != "" {
		return v.ValueString()
	}
	if e, ok := r.lookupEnv(env); ok && e != "" {
		return e
	}
	return ""
}

// required reads a setting the provider cannot do without.
func (r *settingReader) required(v types.String, attr, env string) string {
	explicitEmpty := !v.IsNull() && !v.IsUnknown() && strings.TrimSpace(v.ValueString()) == ""
	if s := r.str(v, attr, env); (s != "" && !explicitEmpty) || v.IsUnknown() {
		return s
	}
	if explicitEmpty {
		// An explicit "" would otherwise hide the environment variable and fail later
		// with a message about something else.
		r.attrError(attr, "Empty UFDL "+titleCase(attr),
			fmt.Sprintf("%s is set to an empty string in the provider block. Set it to %s, or remove it to use the %s environment variable.", attr, attrPurpose[attr], env))
		return ""
	}
	r.attrError(attr, "Missing UFDL "+titleCase(attr),
		fmt.Sprintf("The provider needs %s. Set %s in the provider block or the %s environment variable.", attrPurpose[attr], attr, env))
	return ""
}

// caSource is the extra CA bundle and the setting it came from.
type caSource struct {
	pem       []byte
	attr, env string
}

// caBundle reads ca_cert_pem or the file ca_cert_file names; at most one may be set.
func (r *settingReader) caBundle(cfg providerModel) caSource {
	src := caSource{attr: "ca_cert_pem", env: envCACertPEM}
	if pem := r.str(cfg.CACertPEM, "ca_cert_pem", envCACertPEM); pem != "" {
		src.pem = []byte(pem)
	}
	file := r.str(cfg.CACertFile, "ca_cert_file", envCACertFile)
	switch {
	case file == "":
	case src.pem != nil:
		r.diags.AddAttributeError(path.Root("ca_cert_file"), "Conflicting CA Settings",
			fmt.Sprintf("Set either ca_cert_pem (%s) or ca_cert_file (%s), not both.", envCACertPEM, envCACertFile))
	default:
		b, err := os.ReadFile(file)
		if err != nil {
			r.diags.AddAttributeError(path.Root("ca_cert_file"), "Unreadable CA File",
				fmt.Sprintf("ca_cert_file (or %s) names %q, which cannot be read: %s.", envCACertFile, file, err))
			break
		}
		src = caSource{pem: b, attr: "ca_cert_file", env: envCACertFile}
	}
	return src
}

// clientProblems tells what the client refuses of c at the setting each problem came from.
func (r *settingReader) clientProblems(c client.Config, ca caSource) {
	for _, p := range c.Problems() {
		switch p.Field {
		case "Host":
			if c.Host != "" {
				r.diags.AddAttributeError(path.Root("host"), "Invalid UFDL Host",
					fmt.Sprintf("host (or %s) must be the base URL of the UFDL server, starting with http:// or https://, e.g. http://127.0.0.1:8000: %s.", envHost, p.Message))
			}
		case "CACertPEM":
			r.diags.AddAttributeError(path.Root(ca.attr), "Invalid CA Certificate",
				fmt.Sprintf("%s (or %s) holds no PEM-encoded certificate that parses. It must contain the CA certificate itself, from its -----BEGIN CERTIFICATE----- line to its -----END CERTIFICATE----- line.", ca.attr, ca.env))
		case "Username", "Password":
			// Missing or empty: reported where they were read, naming the attribute and its variable.
		default:
			r.diags.AddError("Invalid UFDL Client Settings", fmt.Sprintf("%s: %s.", p.Field, p.Message))
		}
	}
}

// choice reads a setting that takes one of choices; the first is its default.
func (r *settingReader) choice(v types.String, attr, env string, choices []string) string {
	s := r.str(v, attr, env)
	if s == "" {
		return choices[0]
	}
	if !slices.Contains(choices, s) {
		r.attrError(attr, "Invalid "+titleCase(attr),
			fmt.Sprintf("%s (or %s) must be %s; got %q.", attr, env, oneOf(choices), s))
	}
	return s
}

var attrPurpose = map[string]string{
	"host":     "the address of the UFDL server (e.g. http://127.0.0.1:8000)",
	"username": "a user name to log in with",
	"password": "the password of that user",
}

// boolean reads a true/false setting.
func (r *settingReader) boolean(v types.Bool, attr, env string, def bool) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	e, ok := r.lookupEnv(env)
	if !ok || e == "" {
		return def
	}
	b, err := strconv.ParseBool(e)
	if err != nil {
		r.attrError(attr, "Invalid Environment Variable",
			fmt.Sprintf("%s (for %s) must be true or false; got %q.", env, attr, e))
	}
	return b
}

// integer reads a whole-number setting from lo to hi (the schema checks the attribute's).
func (r *settingReader) integer(v types.Int64, attr, env string, def, lo, hi int64) int64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64()
	}
	e, ok := r.lookupEnv(env)
	if !ok || e == "" {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(e), 10, 64)
	if err != nil || n < lo || n > hi {
		r.attrError(attr, "Invalid Environment Variable",
			fmt.Sprintf("%s (for %s) must be a whole number from %d to %d; got %q.", env, attr, lo, hi, e))
		return def
	}
	return n
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
