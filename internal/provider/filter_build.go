// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// Models of the filter blocks. Blocks are kept as types.List / types.Object: a dynamic block
// whose for_each is not yet known arrives unknown at validation.
type (
	filterModel struct {
		Exact    types.Object `tfsdk:"exact"`
		Contains types.Object `tfsdk:"contains"`
		IsNull   types.Object `tfsdk:"isnull"`
		Compare  types.Object `tfsdk:"compare"`
		And      types.Object `tfsdk:"and"`
		Or       types.Object `tfsdk:"or"`
	}
	// An or block holds what an and block holds, and and blocks besides.
	orModel struct {
		andModel
		And types.List `tfsdk:"and"`
	}
	andModel struct {
		Exact    types.List `tfsdk:"exact"`
		Contains types.List `tfsdk:"contains"`
		IsNull   types.List `tfsdk:"isnull"`
		Compare  types.List `tfsdk:"compare"`
	}
	exactModel struct {
		Field           types.String `tfsdk:"field"`
		Value           types.String `tfsdk:"value"`
		CaseInsensitive types.Bool   `tfsdk:"case_insensitive"`
		Invert          types.Bool   `tfsdk:"invert"`
	}
	containsModel struct {
		Field           types.String `tfsdk:"field"`
		SubString       types.String `tfsdk:"sub_string"`
		CaseInsensitive types.Bool   `tfsdk:"case_insensitive"`
		Invert          types.Bool   `tfsdk:"invert"`
	}
	isNullModel struct {
		Field  types.String `tfsdk:"field"`
		Invert types.Bool   `tfsdk:"invert"`
	}
	compareModel struct {
		Field    types.String `tfsdk:"field"`
		Operator types.String `tfsdk:"operator"`
		Value    types.String `tfsdk:"value"`
		Invert   types.Bool   `tfsdk:"invert"`
	}
	orderByModel struct {
		Field      types.String `tfsdk:"field"`
		Ascending  types.Bool   `tfsdk:"ascending"`
		NullsFirst types.Bool   `tfsdk:"nulls_first"`
	}
)

// buildDockerImagesFilter turns the arguments of ufdl_dockerimages into the body of one list
// call: the shortcut arguments first, then each filter block, then the ordering. It reports
// every mistake it finds with the path of the block at fault. complete is false when part of
// the configuration is not known yet (validation before apply); the filter is then partial.
// The ordering always ends with the primary key, so that equal keys, and a query without
// order_by, answer in the same order every time.
func buildDockerImagesFilter(ctx context.Context, m dockerImagesQuery) (f *client.Filter, complete bool, diags diag.Diagnostics) {
	b := &filterBuilder{ctx: ctx}
	out := &client.Filter{Expressions: b.shortcuts(m)}
	for i, fm := range elements[filterModel](b, m.Filter) {
		if e, ok := b.filter(path.Root("filter").AtListIndex(i), fm); ok {
			out.Expressions = append(out.Expressions, e)
		}
	}
	byPK := false
	for i, om := range elements[orderByModel](b, m.OrderBy) {
		if o, ok := b.orderBy(path.Root("order_by").AtListIndex(i), om); ok {
			out.OrderBy = append(out.OrderBy, o)
			byPK = byPK || o.Field == "pk"
		}
	}
	if !byPK {
		// NOTE: the real backend has no default order (PostgreSQL returns rows as stored, and
		// an update moves a row), so without this the same query could answer in another
		// order after any change, and every list built from it would show a diff.
		out.OrderBy = append(out.OrderBy, client.Ordering{Field: "pk", Ascending: true})
	}
	return out, !b.unknown, b.diags
}

// filterBuilder collects diagnostics and whether anything was unknown while it converts.
type filterBuilder struct {
	ctx     context.Context
	diags   diag.Diagnostics
	unknown bool
}

// elements converts a block list; null is no blocks, unknown marks the result incomplete.
func elements[T any](b *filterBuilder, l types.List) []T {
	if l.IsNull() {
		return nil
	}
	if l.IsUnknown() {
		b.unknown = true
		return nil
	}
	var out []T
	b.diags.Append(l.ElementsAs(b.ctx, &out, false)...)
	return out
}

// single converts a single nested block; absent is nil.
func single[T any](b *filterBuilder, o types.Object) *T {
	if o.IsNull() {
		return nil
	}
	if o.IsUnknown() {
		b.unknown = true
		return nil
	}
	var out T
	b.diags.Append(o.As(b.ctx, &out, basetypes.ObjectAsOptions{})...)
	return &out
}

// shortcuts are the shortcut arguments as exact expressions, in the order of the schema.
func (b *filterBuilder) shortcuts(m dockerImagesQuery) []client.Expression {
	var out []client.Expression
	add := func(field string, v interface {
		IsNull() bool
		IsUnknown() bool
	}, value func() any) {
		switch {
		case v.IsUnknown():
			b.unknown = true
		case !v.IsNull():
			out = append(out, client.Expression{Type: client.ExprExact, Field: field, Value: value()})
		}
	}
	add("name", m.Name, func() any { return m.Name.ValueString() })
	add("version", m.Version, func() any { return m.Version.ValueString() })
	add("domain__name", m.Domain, func() any { return m.Domain.ValueString() })
	add("cpu", m.CPU, func() any { return m.CPU.ValueBool() })
	add("framework", m.Framework, func() any { return m.Framework.ValueInt64() })
	add("tasks__name", m.Task, func() any { return m.Task.ValueString() })
	add("licence__name", m.Licence, func() any { return m.Licence.ValueString() })
	return out
}

// filter converts one filter block, which must hold exactly one expression.
func (b *filterBuilder) filter(p path.Path, m filterModel) (client.Expression, bool) {
	blocks := []types.Object{m.Exact, m.Contains, m.IsNull, m.Compare, m.And, m.Or}
	var present []string
	for i, o := range blocks {
		switch {
		case o.IsUnknown():
			// A dynamic block not known yet: the count is checked at read.
			b.unknown = true
			return client.Expression{}, false
		case !o.IsNull():
			present = append(present, filterKinds[i])
		}
	}
	switch len(present) {
	case 0:
		b.diags.AddAttributeError(p, "Empty Filter Block",
			fmt.Sprintf("%s holds no expression. Write exactly %s inside it, e.g. filter { exact { field = \"name\" value = \"yolo\" } }.",
				p, oneOf(filterKinds)))
		return client.Expression{}, false
	case 1:
	default:
		b.diags.AddAttributeError(p, "Several Expressions In One Filter Block",
			fmt.Sprintf("%s holds %s blocks, but a filter block holds exactly one expression. "+
				"Write each in a filter block of its own (all filter blocks must match), or group them in an and or or block.",
				p, strings.Join(present, " and ")))
		return client.Expression{}, false
	}
	at := p.AtName(present[0])
	switch present[0] {
	case kindExact:
		return b.exact(at, *single[exactModel](b, m.Exact))
	case kindContains:
		return b.contains(at, *single[containsModel](b, m.Contains))
	case kindIsNull:
		return b.isNull(at, *single[isNullModel](b, m.IsNull))
	case kindCompare:
		return b.compare(at, *single[compareModel](b, m.Compare))
	case kindAnd:
		return b.and(at, *single[andModel](b, m.And))
	}
	return b.or(at, *single[orModel](b, m.Or))
}

func (b *filterBuilder) and(p path.Path, m andModel) (client.Expression, bool) {
	e := client.Expression{Type: client.ExprAnd}
	if !b.nonEmpty(p, e.Type, andKinds, m.Exact, m.Contains, m.IsNull, m.Compare) {
		return e, false
	}
	ok := b.leaves(p, m.Exact, m.Contains, m.IsNull, m.Compare, &e.SubExpressions)
	return e, ok
}

func (b *filterBuilder) or(p path.Path, m orModel) (client.Expression, bool) {
	e := client.Expression{Type: client.ExprOr}
	if !b.nonEmpty(p, e.Type, orKinds, m.Exact, m.Contains, m.IsNull, m.Compare, m.And) {
		return e, false
	}
	ok := b.leaves(p, m.Exact, m.Contains, m.IsNull, m.Compare, &e.SubExpressions)
	for i, am := range elements[andModel](b, m.And) {
		sub, subOK := b.and(p.AtName(kindAnd).AtListIndex(i), am)
		ok = ok && subOK
		e.SubExpressions = append(e.SubExpressions, sub)
	}
	return e, ok
}

// nonEmpty reports an and/or block without expressions, which the server refuses.
func (b *filterBuilder) nonEmpty(p path.Path, typ string, allowed []string, blocks ...types.List) bool {
	for _, l := range blocks {
		if l.IsUnknown() || len(l.Elements()) > 0 {
			return true
		}
	}
	b.diags.AddAttributeError(p, "Empty Filter Block",
		fmt.Sprintf("%s holds no expression. An %s block needs at least one expression inside it, %s.", p, typ, oneOf(allowed)))
	return false
}

// leaves converts the leaf blocks of an and/or block, kind by kind (the order of the
// expressions in a group does not change its result).
func (b *filterBuilder) leaves(p path.Path, exact, contains, isNull, compare types.List, out *[]client.Expression) bool {
	ok := true
	add := func(e client.Expression, good bool) {
		ok = ok && good
		*out = append(*out, e)
	}
	for i, m := range elements[exactModel](b, exact) {
		add(b.exact(p.AtName(kindExact).AtListIndex(i), m))
	}
	for i, m := range elements[containsModel](b, contains) {
		add(b.contains(p.AtName(kindContains).AtListIndex(i), m))
	}
	for i, m := range elements[isNullModel](b, isNull) {
		add(b.isNull(p.AtName(kindIsNull).AtListIndex(i), m))
	}
	for i, m := range elements[compareModel](b, compare) {
		add(b.compare(p.AtName(kindCompare).AtListIndex(i), m))
	}
	return ok
}

func (b *filterBuilder) exact(p path.Path, m exactModel) (client.Expression, bool) {
	f, fieldOK := b.field(p, m.Field)
	e := client.Expression{Type: client.ExprExact, Field: m.Field.ValueString(), Invert: m.Invert.ValueBool()}
	var ciOK, valueOK bool
	e.CaseInsensitive, ciOK = b.caseInsensitive(p, f, fieldOK, m.CaseInsensitive)
	e.Value, valueOK = b.value(p, f, fieldOK, m.Value)
	return e, fieldOK && ciOK && valueOK && b.known(m.Invert)
}

func (b *filterBuilder) contains(p path.Path, m containsModel) (client.Expression, bool) {
	f, fieldOK := b.field(p, m.Field)
	e := client.Expression{Type: client.ExprContains, Field: m.Field.ValueString(), SubString: m.SubString.ValueString(), Invert: m.Invert.ValueBool()}
	if fieldOK && f.typ != filterText {
		b.diags.AddAttributeError(p.AtName("field"), "Contains On Non-Text Field",
			fmt.Sprintf("%s: field %q holds %s, and contains searches text only. Use an exact or compare block, or a text field, %s.",
				p, f.name, fieldTypeNoun(f), oneOf(filterFieldNames(textFilterFields))))
		fieldOK = false
	}
	var ciOK bool
	e.CaseInsensitive, ciOK = b.caseInsensitive(p, f, fieldOK, m.CaseInsensitive)
	return e, fieldOK && ciOK && b.known(m.SubString) && b.given(p, "sub_string", m.SubString, `"cuda11"`) && b.known(m.Invert)
}

func (b *filterBuilder) isNull(p path.Path, m isNullModel) (client.Expression, bool) {
	_, ok := b.field(p, m.Field)
	return client.Expression{Type: client.ExprIsNull, Field: m.Field.ValueString(), Invert: m.Invert.ValueBool()}, ok && b.known(m.Invert)
}

func (b *filterBuilder) compare(p path.Path, m compareModel) (client.Expression, bool) {
	f, fieldOK := b.field(p, m.Field)
	e := client.Expression{Type: client.ExprCompare, Field: m.Field.ValueString(), Operator: m.Operator.ValueString(), Invert: m.Invert.ValueBool()}
	if fieldOK && f.typ == filterBoolean {
		b.diags.AddAttributeError(p.AtName("field"), "Compare On Boolean Field",
			fmt.Sprintf("%s: field %q is true or false and cannot be compared with %s. Use an exact block, e.g. exact { field = %q value = true }.",
				p, f.name, strings.Join(filterOperators, " "), f.name))
		fieldOK = false
	}
	opOK := b.known(m.Operator) && b.given(p, "operator", m.Operator, `">="`)
	if opOK && !slices.Contains(filterOperators, m.Operator.ValueString()) {
		b.diags.AddAttributeError(p.AtName("operator"), "Invalid Filter Operator",
			fmt.Sprintf("%s: operator %q is not %s. Write e.g. operator = \">=\"; to test equality use an exact block.",
				p, m.Operator.ValueString(), oneOf(filterOperators)))
		opOK = false
	}
	var valueOK bool
	e.Value, valueOK = b.value(p, f, fieldOK, m.Value)
	return e, fieldOK && opOK && valueOK && b.known(m.Invert)
}

// given reports a required argument left out of a leaf block; the framework checks those
// only in list blocks.
func (b *filterBuilder) given(p path.Path, name string, v interface{ IsNull() bool }, example string) bool {
	if !v.IsNull() {
		return true
	}
	b.diags.AddAttributeError(p.AtName(name), "Missing Filter Argument",
		fmt.Sprintf("%s needs %s, e.g. %s = %s.", p, name, name, example))
	return false
}

// known reports whether v is known, and remembers when it is not.
func (b *filterBuilder) known(v interface{ IsUnknown() bool }) bool {
	if v.IsUnknown() {
		b.unknown = true
		return false
	}
	return true
}

// field looks a field up in the table; ok is false when it is unknown or not a field.
func (b *filterBuilder) field(p path.Path, v types.String) (filterField, bool) {
	if !b.known(v) || !b.given(p, "field", v, `"name"`) {
		return filterField{}, false
	}
	f, ok := lookupFilterField(v.ValueString())
	if !ok {
		b.diags.AddAttributeError(p.AtName("field"), "Unknown Filter Field",
			fmt.Sprintf("%s: %q is not a docker image field the server filters on. Write %s.",
				p, v.ValueString(), oneOf(filterFieldNames(allFilterFields))))
	}
	return f, ok
}

// caseInsensitive checks case_insensitive against the field's type; fieldOK says whether
// the field is known and valid (otherwise there is nothing to check it against).
func (b *filterBuilder) caseInsensitive(p path.Path, f filterField, fieldOK bool, v types.Bool) (bool, bool) {
	if !b.known(v) {
		return false, false
	}
	if fieldOK && v.ValueBool() && f.typ != filterText {
		b.diags.AddAttributeError(p.AtName("case_insensitive"), "Case-Insensitive Match On Non-Text Field",
			fmt.Sprintf("%s: field %q holds %s, and case_insensitive applies to text fields only. Remove case_insensitive from this block.",
				p, f.name, fieldTypeNoun(f)))
		return true, false
	}
	return v.ValueBool(), true
}

// value converts the text of value to the JSON type of the field.
func (b *filterBuilder) value(p path.Path, f filterField, fieldOK bool, v types.String) (any, bool) {
	if !b.known(v) || !b.given(p, "value", v, `"yolo"`) {
		return nil, false
	}
	s := v.ValueString()
	if !fieldOK {
		return s, false
	}
	bad := func(example string) (any, bool) {
		b.diags.AddAttributeError(p.AtName("value"), "Invalid Filter Value",
			fmt.Sprintf("%s: value %q does not fit field %q, which holds %s. Write e.g. value = %s.", p, s, f.name, fieldTypeNoun(f), example))
		return s, false
	}
	switch {
	case f.typ == filterBoolean:
		switch s {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return bad("true")
	case f.typ == filterWholeNumber:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad("18")
		}
		return n, true
	case f.numeric:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return bad(`"11.1"`)
		}
	}
	return s, true
}

func (b *filterBuilder) orderBy(p path.Path, m orderByModel) (client.Ordering, bool) {
	if !b.known(m.Field) || !b.known(m.Ascending) || !b.known(m.NullsFirst) {
		return client.Ordering{}, false
	}
	o := client.Ordering{Field: m.Field.ValueString(), Ascending: m.Ascending.IsNull() || m.Ascending.ValueBool()}
	if !m.NullsFirst.IsNull() {
		o.NullsFirst = m.NullsFirst.ValueBoolPointer()
	}
	if o.NullsFirst != nil && !*o.NullsFirst && !o.Ascending {
		b.diags.AddAttributeWarning(p.AtName("nulls_first"), "Nulls Last Not Honoured By UFDL Backend",
			fmt.Sprintf("%s: nulls_first = false asks for images whose %s is null at the end of a descending order. The UFDL backend (Django 4.2) "+
				"ignores nulls_first = false and lists them first when descending, as PostgreSQL does by default; only servers that follow the "+
				"documented API put them last. Remove nulls_first to get the server's default, or sort the result in HCL.", p, o.Field))
	}
	f, ok := lookupFilterField(o.Field)
	switch {
	case !ok:
		b.diags.AddAttributeError(p.AtName("field"), "Unknown Order Field",
			fmt.Sprintf("%s: %q is not a docker image field the server sorts by. Write %s.",
				p, o.Field, oneOf(filterFieldNames(orderableFields))))
		return o, false
	case f.multi:
		b.diags.AddAttributeError(p.AtName("field"), "Unsortable Order Field",
			fmt.Sprintf("%s: images cannot be sorted by %q, as an image has several of them. Write %s.",
				p, o.Field, oneOf(filterFieldNames(orderableFields))))
		return o, false
	}
	return o, true
}
