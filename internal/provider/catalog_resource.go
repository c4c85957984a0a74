// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The catalog tables a deployment's admins write besides the images (frameworks, CUDA
// versions, hardware generations, licences, job contracts) are each a catalogSpec served by
// this one resource implementation: schema and mapping are the table's, the rhythm is shared.

var (
	_ resource.ResourceWithConfigure      = (*catalogResource[frameworkResourceModel, client.Framework])(nil)
	_ resource.ResourceWithImportState    = (*catalogResource[frameworkResourceModel, client.Framework])(nil)
	_ resource.ResourceWithModifyPlan     = (*catalogResource[frameworkResourceModel, client.Framework])(nil)
	_ resource.ResourceWithIdentity       = (*catalogResource[frameworkResourceModel, client.Framework])(nil)
	_ resource.ResourceWithValidateConfig = (*catalogResource[frameworkResourceModel, client.Framework])(nil)
)

// catalogSpec is what sets one catalog resource apart. M is its model, which embeds rowIDs;
// R the row of its table.
type catalogSpec[M any, R client.Row] struct {
	typeName    string     // after the provider's name: "_framework"
	kind        lookupKind // the table, as messages name it and the plan book claims it
	description string
	attributes  map[string]schema.Attribute // besides id and pk
	// keyAttrs are the attributes of the natural key, in the order of the import ID
	// ("name:version"); they are also the identity's besides pk.
	keyAttrs []string
	// keys are the values a model must hold uniquely on the server (most tables have one,
	// the natural key; CUDA versions and job contracts two), as the plan book claims them;
	// ok is false while one is unknown. uniqueAttrs are their attributes.
	keys        func(m *M) (keys []string, ok bool)
	uniqueAttrs []string
	// rowKeys are the same of a row.
	rowKeys func(r R) []string
	// importKey turns the parts of a natural key (the import ID split at ":", or the
	// identity's attributes) into the fields FindRow looks for.
	importKey func(parts []string) client.Fields
	// fields is the model in request form: every field a create sends.
	fields func(m *M) client.Fields
	// fill copies a row into the model, in the forms the configuration writes; it cannot fail.
	fill func(m *M, r R)
	// planned is the row a plan creates or changes, with pk 0 when not known: what images of
	// the same plan may refer to.
	planned func(m *M) R
	// check reports what is wrong with a planned model beyond each attribute's validators,
	// given the table as the server holds it (nil when it was not loaded).
	check func(m *M, table []R) diag.Diagnostics
	// lists, when set, writes what a create or update of the row itself cannot (a licence's
	// lists), after it: it returns the row as last answered, also on error.
	lists func(ctx context.Context, c *client.Client, plan, state *M, row R) (R, error)
}

// rowIDs are the computed attributes every catalog resource has.
type rowIDs struct {
	ID types.String `tfsdk:"id"`
	PK types.Int64  `tfsdk:"pk"`
}

func (ids *rowIDs) set(pk int64) {
	ids.ID, ids.PK = types.StringValue(strconv.FormatInt(pk, 10)), types.Int64Value(pk)
}

// hasRowIDs is what the generic code needs of a model: M embeds rowIDs.
type hasRowIDs interface{ computed() *rowIDs }

func (ids *rowIDs) computed() *rowIDs { return ids }

// catalogResource is one catalog resource.
type catalogResource[M any, R client.Row] struct {
	spec catalogSpec[M, R]
	data *providerData
}

func newCatalogResource[M any, R client.Row](spec catalogSpec[M, R]) resource.Resource {
	return &catalogResource[M, R]{spec: spec}
}

func (r *catalogResource[M, R]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.spec.typeName
	resp.ResourceBehavior.MutableIdentity = true // the natural key can change in place
}

func (r *catalogResource[M, R]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := maps.Clone(r.spec.attributes) // the spec's map is shared by every Schema call
	attrs["pk"] = schema.Int64Attribute{
		MarkdownDescription: "Primary key of the " + r.spec.kind.noun + " on the server.",
		Computed:            true,
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The primary key as a string (the same as `pk`).",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.spec.description, Attributes: attrs}
}

func (r *catalogResource[M, R]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	attrs := map[string]identityschema.Attribute{
		"pk": identityschema.Int64Attribute{OptionalForImport: true,
			Description: fmt.Sprintf("Primary key of the %s. Import with pk alone, or with %s.", r.spec.kind.noun, strings.Join(r.spec.keyAttrs, " and "))},
	}
	for _, a := range r.spec.keyAttrs {
		attrs[a] = identityschema.StringAttribute{OptionalForImport: true,
			Description: fmt.Sprintf("The %s's %s; an alternative to pk for import.", r.spec.kind.noun, a)}
	}
	resp.IdentitySchema = identityschema.Schema{Attributes: attrs}
}

func (r *catalogResource[M, R]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = dataSourceProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the table's rules across attributes, where no server is needed.
func (r *catalogResource[M, R]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() && r.spec.check != nil {
		resp.Diagnostics.Append(r.spec.check(&m, nil)...)
	}
}

// ModifyPlan claims the row's natural key in the plan book (two blocks of one configuration
// may not plan the same), and refuses a key the server gives another row.
func (r *catalogResource[M, R]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return // validation without a configured provider, or a destroy
	}
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	var replaces int64
	if creating {
		b, diags := req.Private.GetKey(ctx, privateReplaces)
		resp.Diagnostics.Append(diags...)
		replaces = parsePK(b)
	} else {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplaces, formatPK(ids(&state).PK.ValueInt64()))...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	keys, known := r.spec.keys(&plan)
	if !known {
		return // checked in the plan at apply, once known
	}
	owner := newOwner()
	switch {
	case !creating:
		owner = ownerOf(ids(&state).PK.ValueInt64())
	case replaces > 0:
		owner = ownerOf(replaces)
	}
	for i, key := range keys {
		if _, ok := r.data.plans.claim(r.spec.kind.noun+keySpace(i), key, owner, r.spec.planned(&plan)); !ok {
			resp.Diagnostics.AddAttributeError(path.Root(r.spec.uniqueAttrs[i]), "Duplicate "+titleCase(r.spec.kind.noun),
				fmt.Sprintf("Another resource block of this configuration also plans a %s with %s, which must be unique on the server. Change or remove one of the two.",
					r.spec.kind.noun, r.describeKey(r.spec.fields(&plan), i)))
		}
	}
	if resp.Diagnostics.HasError() || (!creating && req.Plan.Raw.Equal(req.State.Raw)) {
		return
	}
	// A change that keeps the keys needs only the table's rules (a hardware generation's range
	// moved onto another's); a new key must also be free on the server.
	keyChanged := creating
	if !creating {
		old, _ := r.spec.keys(&state)
		keyChanged = !slices.Equal(old, keys)
	}
	if !keyChanged && r.spec.check == nil {
		return
	}
	table, err := r.data.client.LookupsWith(ctx, func(*client.Lookups) bool { return true }, r.spec.kind.table)
	if err != nil {
		addImageAPIError(&resp.Diagnostics, "load the server's "+r.spec.kind.noun+"s", nil, err)
		return
	}
	rows := client.Rows[R](table)
	if r.spec.check != nil {
		resp.Diagnostics.Append(r.spec.check(&plan, rows)...)
	}
	if !keyChanged {
		return // its own keys, which the server has
	}
	self := ids(&state).PK.ValueInt64()
	for _, row := range rows {
		pk := client.PKOf(row)
		if pk == self || pk == replaces || (creating && r.data.plans.wasRefreshed(r.spec.kind.noun, pk)) {
			continue
		}
		for i, key := range r.spec.rowKeys(row) {
			if i < len(keys) && key == keys[i] {
				resp.Diagnostics.Append(r.rowExists(row, i, creating))
			}
		}
	}
}

// keySpace tells the plan book's claims of a table's second unique key (a job contract's
// cls) from its first.
func keySpace(i int) string {
	if i == 0 {
		return ""
	}
	return " key " + strconv.Itoa(i)
}

// rowExists is the diagnostic for a unique key (the i-th of keys) that another row holds.
// creating adds the one cause only a create can have: the create half of a replacement with
// create_before_destroy, planned again at apply, while the row it replaces still holds the key.
func (r *catalogResource[M, R]) rowExists(row R, i int, creating bool) diag.Diagnostic {
	noun := r.spec.kind.noun
	detail := fmt.Sprintf("The server already holds %s %d with %s, which must be unique. ", noun, client.PKOf(row), r.describeKey(r.rowFields(row), i))
	if i == 0 {
		detail += fmt.Sprintf("Choose another, or bring that %s under Terraform with an import block (id = %q). ",
			noun, strings.Join(r.importParts(row), ":"))
	}
	detail += "If another block of this configuration manages it, change or remove one of the two."
	if creating {
		detail += fmt.Sprintf(" If this block replaces that %s with lifecycle { create_before_destroy = true }, the two cannot exist at once: "+
			"give the replacement other values. The existing %s was not changed.", noun, noun)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(r.spec.uniqueAttrs[i]), titleCase(r.spec.kind.noun)+" Already Exists", detail)
}

// describeKey names the values of the i-th unique key in f as messages write them: the
// natural key's attributes for the first (`name "yolo" and version "v7"`), the attribute of
// another (`cls "..."`).
func (r *catalogResource[M, R]) describeKey(f client.Fields, i int) string {
	attrs := r.spec.keyAttrs
	if i > 0 {
		attrs = r.spec.uniqueAttrs[i : i+1]
	}
	parts := make([]string, len(attrs))
	for j, a := range attrs {
		parts[j] = fmt.Sprintf("%s %q", a, fmt.Sprint(f[a]))
	}
	return strings.Join(parts, " and ")
}

func (r *catalogResource[M, R]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	row, err := client.CreateRow[R](ctx, r.data.client, r.spec.fields(&plan))
	if err != nil {
		r.addError(&resp.Diagnostics, "create the "+r.spec.kind.noun, err)
		return
	}
	// When a list call fails, the row exists: state says what the server holds, and
	// Terraform taints it.
	var zero M
	r.finishWrite(ctx, &plan, &zero, *row, "write the lists of the new "+r.spec.kind.noun, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *catalogResource[M, R]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	pk := ids(&state).PK.ValueInt64()
	r.data.plans.sawRefreshed(r.spec.kind.noun, pk)
	row, err := client.ReadRow[R](ctx, r.data.client, pk)
	if client.IsNotFound(err) {
		// Deleted outside Terraform: forget it, so that the next plan creates it again.
		resp.State.RemoveResource(ctx)
		resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, &state)...)
		return
	}
	if err != nil {
		r.addError(&resp.Diagnostics, fmt.Sprintf("read %s %d", r.spec.kind.noun, pk), err)
		return
	}
	r.save(ctx, &state, *row, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *catalogResource[M, R]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	pk := ids(&state).PK.ValueInt64()
	action := fmt.Sprintf("update %s %d", r.spec.kind.noun, pk)
	changed := changedRowFields(r.spec.fields(&plan), r.spec.fields(&state))
	var row *R
	var err error
	if len(changed) > 0 {
		row, err = client.PatchRow[R](ctx, r.data.client, pk, changed)
	} else {
		row, err = client.GetRow[R](ctx, r.data.client, pk)
	}
	if err != nil {
		r.addUpdateError(ctx, &resp.Diagnostics, action, plan, state, err)
		return
	}
	r.finishWrite(ctx, &plan, &state, *row, action, &resp.State, resp.Identity, &resp.Diagnostics)
}

// finishWrite ends a create or update whose row write the server answered with row: it writes
// the lists of plan that differ from before (for a kind with lists), and saves what the server
// holds. When a list call fails, that is the lists as far as they were written, and the error
// says action failed.
func (r *catalogResource[M, R]) finishWrite(ctx context.Context, plan, before *M, row R, action string,
	state *tfsdk.State, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics,
) {
	var err error
	if r.spec.lists != nil {
		row, err = r.spec.lists(ctx, r.data.client, plan, before, row)
	}
	r.save(ctx, plan, row, state, id, diags)
	if err != nil {
		r.addError(diags, action, err)
	}
}

func (r *catalogResource[M, R]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	pk := ids(&state).PK.ValueInt64()
	err := client.DeleteRow[R](ctx, r.data.client, pk)
	var used *client.StillUsedError
	switch {
	case err == nil:
	case errors.As(err, &used):
		resp.Diagnostics.AddError(titleCase(r.spec.kind.noun)+" Still In Use", r.stillUsed(used))
	default:
		r.addError(&resp.Diagnostics, fmt.Sprintf("delete %s %d", r.spec.kind.noun, pk), err)
	}
}

// stillUsed says why the server kept a row it was asked to delete, and what to do.
func (r *catalogResource[M, R]) stillUsed(used *client.StillUsedError) string {
	noun := r.spec.kind.noun
	letGo := fmt.Sprintf(" Or stop managing the %s with a removed block (lifecycle { destroy = false }).", noun)
	if len(used.Images) == 0 {
		return fmt.Sprintf("The server kept %s %d after the delete, although no docker image uses it: something else on the server (a job or job template) still refers to it. "+
			"Nothing was changed. Remove that reference on the server and run terraform destroy again.", noun, used.PK) + letGo
	}
	names := make([]string, len(used.Images))
	for i, img := range used.Images {
		names[i] = fmt.Sprintf("%s:%s (pk %d)", img.Name, img.Version, img.PK)
	}
	return fmt.Sprintf("The server kept %s %d: docker images still use it: %s. Nothing was changed. "+
		"Change or destroy those images first; in this configuration, refer to this resource from them, so that Terraform destroys them before it.",
		noun, used.PK, strings.Join(names, ", ")) + letGo
}

// ImportState accepts a primary key ("12") or the natural key ("name:version", "name") as
// the import ID, or an identity with pk or with the natural key (Terraform 1.12 and later).
func (r *catalogResource[M, R]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var parts []string
	var pk int64
	switch {
	case req.ID != "":
		if n, err := strconv.ParseInt(req.ID, 10, 64); err == nil && !r.numericKey() {
			pk = n
			if pk < 1 {
				resp.Diagnostics.AddError("Invalid Import ID",
					fmt.Sprintf("The import ID %q is not a primary key: primary keys are whole numbers from 1 (e.g. \"12\").", req.ID))
				return
			}
		} else if parts = strings.SplitN(req.ID, ":", len(r.spec.keyAttrs)); len(parts) != len(r.spec.keyAttrs) || slices.Contains(parts, "") {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("The import ID %q is neither a primary key (e.g. \"12\") nor %s.", req.ID, r.importForm()))
			return
		} else if problem := cudaVersionProblem(req.ID); r.numericKey() && problem != "" {
			// The real backend answers a list filtered by a non-number with a bare 500.
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("The import ID %q is not a CUDA version: %s Import a CUDA version by its version (e.g. \"12.4\"), or by its pk with an identity.", req.ID, problem))
			return
		}
	case req.Identity != nil:
		var idPK types.Int64
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("pk"), &idPK)...)
		pk = idPK.ValueInt64()
		for _, a := range r.spec.keyAttrs {
			var v types.String
			resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(a), &v)...)
			if !v.IsNull() {
				parts = append(parts, v.ValueString())
			}
		}
		if pk < 1 && len(parts) != len(r.spec.keyAttrs) {
			resp.Diagnostics.AddError("Incomplete Import Identity",
				fmt.Sprintf("An identity to import a %s needs pk (a whole number from 1), or %s.", r.spec.kind.noun, strings.Join(r.spec.keyAttrs, " and ")))
			return
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if pk < 1 {
		row, err := client.FindListedRow[R](ctx, r.data.client, r.spec.importKey(parts))
		if err != nil {
			r.addError(&resp.Diagnostics, "look up the "+r.spec.kind.noun+" "+strconv.Quote(strings.Join(parts, ":")), err)
			return
		}
		if row == nil {
			resp.Diagnostics.AddError(titleCase(r.spec.kind.noun)+" Not Found", r.notFound(ctx, parts))
			return
		}
		pk = client.PKOf(*row)
	} else if _, err := client.GetRow[R](ctx, r.data.client, pk); client.IsNotFound(err) {
		resp.Diagnostics.AddError(titleCase(r.spec.kind.noun)+" Not Found",
			fmt.Sprintf("The server holds no %s with primary key %d. Check the number, or import by %s.", r.spec.kind.noun, pk, r.importForm()))
		return
	} else if err != nil {
		r.addError(&resp.Diagnostics, fmt.Sprintf("read %s %d", r.spec.kind.noun, pk), err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pk"), pk)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(pk, 10))...)
}

// numericKey says whether the natural key itself is a number (a CUDA version such as 11):
// then an import ID is always the key, and a pk is imported through the identity.
func (r *catalogResource[M, R]) numericKey() bool {
	return r.spec.kind.table == client.TableCUDAVersions
}

// importForm describes the import ID by natural key: `"name:version" (e.g. ...)`.
func (r *catalogResource[M, R]) importForm() string {
	return strconv.Quote(strings.Join(r.spec.keyAttrs, ":"))
}

// notFound says that no row has the natural key parts, and lists the ones that come closest:
// those with the same first part (a framework's versions under its name), else all.
func (r *catalogResource[M, R]) notFound(ctx context.Context, parts []string) string {
	msg := fmt.Sprintf("The server holds no %s with %s %q.", r.spec.kind.noun, strings.Join(r.spec.keyAttrs, ":"), strings.Join(parts, ":"))
	table, err := r.data.client.Lookups(ctx, r.spec.kind.table)
	if err != nil {
		return msg + " Check the spelling, or import by primary key."
	}
	var near, all []string
	for _, row := range client.Rows[R](table) {
		keys := r.spec.rowKeys(row)
		all = append(all, strings.Join(r.importParts(row), ":"))
		if len(parts) > 1 && keys[0] == parts[0] {
			near = append(near, strings.Join(r.importParts(row), ":"))
		}
	}
	if len(near) > 0 {
		slices.Sort(near)
		return msg + fmt.Sprintf(" Under %q it holds %s.", parts[0], strings.Join(near, ", "))
	}
	slices.Sort(all)
	return msg + " It holds " + oneOf(all) + "."
}

// importParts is a row's natural key as an import ID writes it.
func (r *catalogResource[M, R]) importParts(row R) []string {
	parts := make([]string, len(r.spec.keyAttrs))
	f := r.rowFields(row)
	for i, a := range r.spec.keyAttrs {
		parts[i] = fmt.Sprint(f[a])
	}
	return parts
}

// rowFields are a row's fields in request form.
func (r *catalogResource[M, R]) rowFields(row R) client.Fields {
	var m M
	r.spec.fill(&m, row)
	return r.spec.fields(&m)
}

// save fills m from row and writes it to the state and the identity.
func (r *catalogResource[M, R]) save(ctx context.Context, m *M, row R, state *tfsdk.State, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	r.spec.fill(m, row)
	ids(m).set(client.PKOf(row))
	diags.Append(state.Set(ctx, m)...)
	diags.Append(r.setIdentity(ctx, id, m)...)
}

// setIdentity records m's identity when Terraform tracks identities.
func (r *catalogResource[M, R]) setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, m *M) diag.Diagnostics {
	if id == nil {
		return nil
	}
	diags := id.SetAttribute(ctx, path.Root("pk"), ids(m).PK)
	f := r.spec.fields(m)
	for _, a := range r.spec.keyAttrs {
		v := types.StringNull()
		if s, ok := f[a].(string); ok {
			v = types.StringValue(s)
		}
		diags.Append(id.SetAttribute(ctx, path.Root(a), v)...)
	}
	return diags
}

// addError turns an error of a catalog call into diagnostics: field errors at their
// attributes, the rest with what to do.
func (r *catalogResource[M, R]) addError(diags *diag.Diagnostics, action string, err error) {
	var ae *client.APIError
	if client.IsForbidden(err) && errors.As(err, &ae) {
		diags.AddError("Permission Denied",
			fmt.Sprintf("Could not %s: the server refused (%s). Writing the catalog's %ss needs an admin (is_staff) user; configure the provider with one (username / %s).",
				action, ae.Detail, r.spec.kind.noun, envUsername))
		return
	}
	if errors.As(err, &ae) && len(ae.FieldErrors) > 0 {
		for _, f := range slices.Sorted(maps.Keys(ae.FieldErrors)) {
			detail := fmt.Sprintf("Could not %s: the server rejected %s: %s", action, f, strings.Join(ae.FieldErrors[f], " "))
			if _, ok := r.spec.attributes[f]; ok {
				diags.AddAttributeError(path.Root(f), "Invalid "+titleCase(r.spec.kind.noun)+" "+titleCase(f), detail)
			} else {
				diags.AddError(titleCase(r.spec.kind.noun)+" Rejected", detail)
			}
		}
		return
	}
	if client.IsDuplicate(err) {
		diags.AddError(titleCase(r.spec.kind.noun)+" Already Exists",
			fmt.Sprintf("Could not %s: the server already holds a %s with this %s. Import it, or choose another. Server said: %s",
				action, r.spec.kind.noun, strings.Join(r.spec.keyAttrs, " and "), err))
		return
	}
	addImageAPIError(diags, action, nil, err)
}

// addUpdateError is addError for an update, whose clash with another row's natural key the
// real backend answers with a bare 500: the key is looked up to say so.
func (r *catalogResource[M, R]) addUpdateError(ctx context.Context, diags *diag.Diagnostics, action string, plan, state M, err error) {
	keys, _ := r.spec.keys(&plan)
	old, _ := r.spec.keys(&state)
	if client.IsServerError(err) && !slices.Equal(keys, old) {
		if row, ferr := client.FindRow[R](ctx, r.data.client, r.spec.fields(&plan)); ferr == nil && row != nil && client.PKOf(*row) != ids(&state).PK.ValueInt64() {
			diags.Append(r.rowExists(*row, 0, false))
			return
		}
	}
	r.addError(diags, action, err)
}

// changedRowFields is the body of a PATCH: the fields of plan that differ from state's.
func changedRowFields(plan, state client.Fields) client.Fields {
	out := client.Fields{}
	for k, v := range plan {
		if fmt.Sprint(v) != fmt.Sprint(state[k]) {
			out[k] = v
		}
	}
	return out
}

// ids are m's computed attributes.
func ids[M any](m *M) *rowIDs {
	h, _ := any(m).(hasRowIDs)
	return h.computed()
}
