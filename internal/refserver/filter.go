// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The filter decoder turns a list body (filtering.md) into a compiled query,
// in the backend's steps:
//
//  1. The body becomes a dict: Python's dict() of the parsed JSON, so an array
//     of pairs works and a string, number or null is a server error.
//  2. The dict is validated against the backend's strict JSON schema
//     (ufdl-json-messages FilterSpec): unknown keys, wrong types, "and"/"or"
//     with fewer than two sub-expressions, an "and" holding anything but field
//     expressions, an "or" holding an "or", an empty sub_string or field all
//     answer 400 "Unable to parse JSON: ...".
//  3. Field names and values become a Django query: an unknown field, or a
//     value the field's column cannot take (pk "abc", cpu "maybe"), is an
//     unhandled error, i.e. Django's HTML 500 page.

// maxFilterDepth bounds nesting; the schema allows three levels at most
// (an or holding an and holding field expressions), so it only guards the
// validator's recursion.
const maxFilterDepth = 32

// filterSyntax is the schema of step 2. isNullAlias admits the type name the
// documentation uses, "is_null", besides the backend's "isnull".
type filterSyntax struct {
	isNullAlias bool
	// nullsLast honours nulls_first=false as documented (api/filtering.md: "whether nulls
	// are listed first or last"); the backend's Django ignores false.
	nullsLast bool
}

type schemaError struct{ msg string }

func schemaErr(format string, args ...any) *schemaError {
	return &schemaError{msg: fmt.Sprintf(format, args...)}
}

// response is the backend's JSONParseFailure: the reason, the request as
// Python printed it, and (briefly, here) what the schema wants.
func (e *schemaError) response(body []byte, schema string) response {
	return detail(http.StatusBadRequest, "Unable to parse JSON: "+e.msg+"\n\n"+pyRepr(body)+"\n\nSchema:\n"+schema)
}

const filterSchemaSummary = `FilterSpec {expressions?: [and | or | exact | contains | isnull | compare], order_by?: [{field, ascending?, nulls_first?}], include_inactive?: bool}; ` +
	`and {sub_expressions: 2 or more of exact | contains | isnull | compare, invert?}; or {sub_expressions: 2 or more of and | exact | contains | isnull | compare, invert?}; ` +
	`exact {field, value: str | number | bool, case_insensitive?, invert?}; contains {field, sub_string: non-empty str, case_insensitive?, invert?}; ` +
	`isnull {field, invert?}; compare {field, operator: < | > | >= | <=, value: str | number, invert?}`

// compileFilter decodes a list body that the request pipeline has parsed.
// A blank body means no filter (nil query).
func compileFilter[T any](body []byte, fs *fieldSet[T], syn filterSyntax) (*query[T], *response) {
	if isBlankBody(body) {
		return nil, nil
	}
	spec, ok := pyDict(body)
	if !ok {
		r := htmlServerError()
		return nil, &r
	}
	if err := syn.validateSpec(spec); err != nil {
		r := err.response(body, filterSchemaSummary)
		return nil, &r
	}
	q, ok := buildQuery(spec, fs, syn)
	if !ok {
		r := htmlServerError()
		return nil, &r
	}
	return q, nil
}

// pyDict is dict() of a parsed body: an object as it is, an array of
// two-element arrays as pairs; anything else fails (ok=false).
func pyDict(body []byte) (map[string]json.RawMessage, bool) {
	switch pyType(body) {
	case "dict":
		var m map[string]json.RawMessage
		return m, json.Unmarshal(body, &m) == nil
	case "list":
		var items []json.RawMessage
		_ = json.Unmarshal(body, &items)
		m := map[string]json.RawMessage{}
		for _, it := range items {
			var pair []json.RawMessage
			if pyType(it) != "list" || json.Unmarshal(it, &pair) != nil || len(pair) != 2 {
				return nil, false
			}
			switch pyType(pair[0]) {
			case "list", "dict":
				return nil, false // unhashable key
			}
			m[pyStr(pair[0])] = pair[1]
		}
		return m, true
	}
	return nil, false
}

// --- step 2: the schema ------------------------------------------------------

func members(raw json.RawMessage, where string, allowed, required []string) (map[string]json.RawMessage, *schemaError) {
	if pyType(raw) != "dict" {
		return nil, schemaErr("%s is not of type 'object'", pyRepr(raw))
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	for _, k := range sortedKeys(m) {
		if !slices.Contains(allowed, k) {
			return nil, schemaErr("Additional properties are not allowed (%s was unexpected) in %s", pyQuote(k), where)
		}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			return nil, schemaErr("%s is a required property of %s", pyQuote(k), where)
		}
	}
	return m, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func wantBool(m map[string]json.RawMessage, key, where string) *schemaError {
	if raw, ok := m[key]; ok && pyType(raw) != "bool" {
		return schemaErr("%s is not of type 'boolean' (%s in %s)", pyRepr(raw), key, where)
	}
	return nil
}

func wantString(m map[string]json.RawMessage, key, where string, minLen int) *schemaError {
	raw := m[key]
	if pyType(raw) != "str" {
		return schemaErr("%s is not of type 'string' (%s in %s)", pyRepr(raw), key, where)
	}
	if s, _ := jsonString(raw); len([]rune(s)) < minLen {
		return schemaErr("'' is too short (%s in %s)", key, where)
	}
	return nil
}

func isNumber(raw json.RawMessage) bool {
	t := pyType(raw)
	return t == "int" || t == "float"
}

// schemaArray reads the member called name as a JSON array, as the schema requires.
func schemaArray(raw json.RawMessage, name string) ([]json.RawMessage, *schemaError) {
	var list []json.RawMessage
	if pyType(raw) != "list" || json.Unmarshal(raw, &list) != nil {
		return nil, schemaErr("%s is not of type 'array' (%s)", pyRepr(raw), name)
	}
	return list, nil
}

func (syn filterSyntax) validateSpec(spec map[string]json.RawMessage) *schemaError {
	top, _ := json.Marshal(spec)
	m, err := members(top, "the filter", []string{"expressions", "order_by", "include_inactive"}, nil)
	if err != nil {
		return err
	}
	if raw, ok := m["expressions"]; ok {
		exprs, err := schemaArray(raw, "expressions")
		if err != nil {
			return err
		}
		for i, e := range exprs {
			if err := syn.validateExpr(e, fmt.Sprintf("expressions[%d]", i), "any", 1); err != nil {
				return err
			}
		}
	}
	if raw, ok := m["order_by"]; ok {
		orders, err := schemaArray(raw, "order_by")
		if err != nil {
			return err
		}
		for i, o := range orders {
			where := fmt.Sprintf("order_by[%d]", i)
			om, err := members(o, where, []string{"field", "ascending", "nulls_first"}, []string{"field"})
			if err != nil {
				return err
			}
			if err := wantString(om, "field", where, 0); err != nil {
				return err
			}
			for _, k := range []string{"ascending", "nulls_first"} {
				if err := wantBool(om, k, where); err != nil {
					return err
				}
			}
		}
	}
	return wantBool(m, "include_inactive", "the filter")
}

// exprType reads an expression's type; "" when it has none that is a string.
func exprType(raw json.RawMessage) string {
	var probe struct {
		Type any `json:"type"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	s, _ := probe.Type.(string)
	return s
}

// canonicalType maps the documentation's "is_null" to "isnull" where allowed.
func (syn filterSyntax) canonicalType(t string) string {
	if t == "is_null" && syn.isNullAlias {
		return "isnull"
	}
	return t
}

// validateExpr checks one expression; in says where it stands: "any" (a
// stage), "and" (only field expressions) or "or" (field expressions, and).
func (syn filterSyntax) validateExpr(raw json.RawMessage, where, in string, depth int) *schemaError {
	if depth > maxFilterDepth {
		return schemaErr("%s nests deeper than %d levels", where, maxFilterDepth)
	}
	if pyType(raw) != "dict" {
		return schemaErr("%s is not valid under any of the given schemas (%s)", pyRepr(raw), where)
	}
	typ := syn.canonicalType(exprType(raw))
	fieldKeys := func(extra ...string) []string { return append([]string{"type", "field", "invert"}, extra...) }
	switch typ {
	case "and", "or":
		if in == "and" || (in == "or" && typ == "or") {
			return schemaErr("%s is not valid under any of the given schemas (%s: an %q cannot hold an %q)", pyRepr(raw), where, in, typ)
		}
		m, err := members(raw, where, []string{"type", "sub_expressions", "invert"}, []string{"sub_expressions"})
		if err != nil {
			return err
		}
		if err := wantBool(m, "invert", where); err != nil {
			return err
		}
		var subs []json.RawMessage
		if pyType(m["sub_expressions"]) != "list" || json.Unmarshal(m["sub_expressions"], &subs) != nil {
			return schemaErr("%s is not of type 'array' (sub_expressions in %s)", pyRepr(m["sub_expressions"]), where)
		}
		if len(subs) < 2 {
			return schemaErr("%s is too short (sub_expressions in %s: at least 2)", pyRepr(m["sub_expressions"]), where)
		}
		for i, s := range subs {
			if err := syn.validateExpr(s, fmt.Sprintf("%s.sub_expressions[%d]", where, i), typ, depth+1); err != nil {
				return err
			}
		}
		return nil
	case "exact":
		m, err := members(raw, where, fieldKeys("value", "case_insensitive"), []string{"type", "field", "value"})
		if err != nil {
			return err
		}
		if v := m["value"]; pyType(v) != "str" && !isNumber(v) && pyType(v) != "bool" {
			return schemaErr("%s is not valid under any of the given schemas (value in %s)", pyRepr(v), where)
		}
		return validateField(m, where, "case_insensitive")
	case "contains":
		m, err := members(raw, where, fieldKeys("sub_string", "case_insensitive"), []string{"type", "field", "sub_string"})
		if err != nil {
			return err
		}
		if err := wantString(m, "sub_string", where, 1); err != nil {
			return err
		}
		return validateField(m, where, "case_insensitive")
	case "isnull":
		m, err := members(raw, where, fieldKeys(), []string{"type", "field"})
		if err != nil {
			return err
		}
		return validateField(m, where)
	case "compare":
		m, err := members(raw, where, fieldKeys("operator", "value"), []string{"type", "field", "operator", "value"})
		if err != nil {
			return err
		}
		if op, _ := jsonString(m["operator"]); !slices.Contains([]string{"<", ">", ">=", "<="}, op) || pyType(m["operator"]) != "str" {
			return schemaErr("%s is not one of ['<', '>', '>=', '<='] (operator in %s)", pyRepr(m["operator"]), where)
		}
		if v := m["value"]; pyType(v) != "str" && !isNumber(v) {
			return schemaErr("%s is not valid under any of the given schemas (value in %s)", pyRepr(v), where)
		}
		return validateField(m, where)
	}
	return schemaErr("%s is not valid under any of the given schemas (%s: no expression type %s)", pyRepr(raw), where, pyRepr(json.RawMessage(strconv.Quote(typ))))
}

// validateField checks the members every field expression has.
func validateField(m map[string]json.RawMessage, where string, bools ...string) *schemaError {
	if err := wantString(m, "field", where, 1); err != nil {
		return err
	}
	for _, k := range append(bools, "invert") {
		if err := wantBool(m, k, where); err != nil {
			return err
		}
	}
	return nil
}

// --- step 3: the query ---------------------------------------------------------

// builder compiles a validated spec; ok=false is an error Django would raise
// while building or running the query.
type builder[T any] struct {
	fs *fieldSet[T]
}

func buildQuery[T any](spec map[string]json.RawMessage, fs *fieldSet[T], syn filterSyntax) (*query[T], bool) {
	b := builder[T]{fs: fs}
	q := &query[T]{fs: fs}
	var exprs, orders []json.RawMessage
	_ = json.Unmarshal(spec["expressions"], &exprs)
	_ = json.Unmarshal(spec["order_by"], &orders)
	for _, e := range exprs {
		p, rels, ok := b.expr(e)
		if !ok {
			return nil, false
		}
		q.stages = append(q.stages, stage[T]{p: p, rels: rels})
	}
	for _, o := range orders {
		var ob struct {
			Field      string `json:"field"`
			Ascending  *bool  `json:"ascending"`
			NullsFirst *bool  `json:"nulls_first"`
		}
		_ = json.Unmarshal(o, &ob)
		// order_by names the field as Django does: "__" traversal, no ".".
		f := fs.byName[ob.Field]
		if f == nil {
			return nil, false
		}
		desc := ob.Ascending != nil && !*ob.Ascending
		// PostgreSQL puts NULLs last ascending and first descending; nulls_first=true
		// changes that, and nulls_first=false only where documented (Django ignores it).
		nullsFirst := desc || (ob.NullsFirst != nil && *ob.NullsFirst)
		if ob.NullsFirst != nil && !*ob.NullsFirst && syn.nullsLast {
			nullsFirst = false
		}
		q.order = append(q.order, ordering[T]{f: f, desc: desc, nullsFirst: nullsFirst})
	}
	return q, true
}

func (b builder[T]) expr(raw json.RawMessage) (pred[T], uint8, bool) {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	typ := exprType(raw)
	invert := bytes.Equal(bytes.TrimSpace(m["invert"]), []byte("true"))
	var p pred[T]
	var rels uint8
	ok := true
	switch typ {
	case "and", "or":
		var subs []json.RawMessage
		_ = json.Unmarshal(m["sub_expressions"], &subs)
		if typ == "or" {
			if sp := exactSet(subs, b.fs); sp != nil {
				p = sp
				break
			}
		}
		ps := make([]pred[T], 0, len(subs))
		for _, s := range subs {
			sp, sr, sok := b.expr(s)
			if !sok {
				return nil, 0, false
			}
			ps = append(ps, sp)
			rels |= sr
		}
		if typ == "and" {
			p = and(ps)
		} else {
			p = or(ps)
		}
	default:
		// Filter fields use dotted or Django "__" names.
		name, _ := jsonString(m["field"])
		f := b.fs.byName[strings.ReplaceAll(name, ".", "__")]
		if f == nil {
			return nil, 0, false
		}
		if f.multi() {
			rels = 1 << (f.rel - 1)
		}
		p, ok = fieldPred(typ, f, m)
	}
	if !ok {
		return nil, 0, false
	}
	if invert {
		if rels == 0 {
			p = not(p)
		} else {
			// A negated condition on a relation is a subquery: no record
			// row of the relation satisfies it. It joins nothing.
			inner, r, fs := p, rels, b.fs
			p = func(rec T, _ *binding) bool { return !exists(fs, rec, r, inner) }
			rels = 0
		}
	}
	return p, rels, true
}

func fieldPred[T any](typ string, f *field[T], m map[string]json.RawMessage) (pred[T], bool) {
	ci := bytes.Equal(bytes.TrimSpace(m["case_insensitive"]), []byte("true"))
	switch typ {
	case "isnull", "is_null":
		return isNullPred(f), true
	case "contains":
		// Django casts a non-text column to text for LIKE.
		sub, _ := jsonString(m["sub_string"])
		if ci {
			return lift(f, func(v value) bool { return containsFold(textOf(f.kind, v), sub) }), true
		}
		return lift(f, func(v value) bool { return strings.Contains(textOf(f.kind, v), sub) }), true
	case "exact":
		want, ok := operand(m["value"], f.kind)
		if !ok {
			return nil, false
		}
		switch {
		case f.kind == kString && ci:
			return lift(f, func(v value) bool { return strings.EqualFold(v.s, want.s) }), true
		case f.kind == kString:
			return lift(f, func(v value) bool { return v.s == want.s }), true
		case f.kind == kBool:
			return lift(f, func(v value) bool { return v.b == want.b }), true
		}
		return lift(f, func(v value) bool { return v.n == want.n }), true
	case "compare":
		want, ok := operand(m["value"], f.kind)
		if !ok {
			return nil, false
		}
		op, _ := jsonString(m["operator"])
		test := map[string]func(int) bool{
			"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 },
			">": func(c int) bool { return c > 0 }, ">=": func(c int) bool { return c >= 0 },
		}[op]
		k := f.kind
		return lift(f, func(v value) bool { return test(compareValues(k, v, want)) }), true
	}
	return nil, false
}

// textOf is a value as PostgreSQL casts it to text.
func textOf(k kind, v value) string {
	switch k {
	case kString, kDecimal:
		return v.s
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	}
	return strconv.FormatFloat(v.n, 'f', -1, 64)
}

// operand converts the value of exact/compare the way the field's Django
// get_prep_value does; ok=false is the error that makes the request fail.
func operand(raw json.RawMessage, k kind) (value, bool) {
	t := pyType(raw)
	switch k {
	case kString:
		return value{s: pyStr(raw)}, true
	case kBool:
		// BooleanField.to_python: True/False (and 1/0), or "t"/"True"/"1", "f"/"False"/"0".
		switch t {
		case "bool":
			return value{b: raw[0] == 't'}, true
		case "int", "float":
			f, _ := strconv.ParseFloat(string(raw), 64)
			if f == 1 || f == 0 {
				return value{b: f == 1}, true
			}
		case "str":
			s, _ := jsonString(raw)
			switch s {
			case "t", "True", "1":
				return value{b: true}, true
			case "f", "False", "0":
				return value{b: false}, true
			}
		}
		return value{}, false
	case kInt:
		// int(value): floats truncate, strings must spell an integer.
		switch t {
		case "bool":
			return value{n: map[bool]float64{true: 1, false: 0}[raw[0] == 't']}, true
		case "int", "float":
			f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
			return value{n: math.Trunc(f)}, err == nil
		case "str":
			s, _ := jsonString(raw)
			n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64)
			return value{n: float64(n)}, err == nil
		}
	case kDecimal:
		// An exact value, never rounded to the column's one place.
		switch t {
		case "str", "int", "float", "bool":
			f, ok := decimalLookup(raw)
			return value{n: f}, ok
		}
		return value{}, false
	case kFloat:
		var f float64
		switch t {
		case "bool":
			f = map[bool]float64{true: 1, false: 0}[raw[0] == 't']
		case "int", "float":
			f, _ = strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
		case "str":
			s, _ := jsonString(raw)
			s = strings.TrimSpace(s)
			var err error
			if f, err = strconv.ParseFloat(s, 64); err != nil {
				return value{}, false
			}
		default:
			return value{}, false
		}
		return value{n: f}, true
	}
	return value{}, false
}

// exactSet compiles an "or" of plain exact matches on one single-valued field
// (the batched read by pk: pk=1 or pk=7 or ...) into one set lookup, so that
// its cost does not grow with the number of alternatives. It returns nil when
// the expression has another shape or a value would fail; the subs have been
// validated already.
func exactSet[T any](subs []json.RawMessage, fs *fieldSet[T]) pred[T] {
	const minSet = 4
	if len(subs) < minSet {
		return nil
	}
	var name string
	var f *field[T]
	strs := map[string]struct{}{}
	nums := map[float64]struct{}{}
	for i, raw := range subs {
		var e struct {
			Type            string          `json:"type"`
			Field           string          `json:"field"`
			Value           json.RawMessage `json:"value"`
			Invert          bool            `json:"invert"`
			CaseInsensitive bool            `json:"case_insensitive"`
		}
		if json.Unmarshal(raw, &e) != nil || e.Type != "exact" || e.Invert || e.CaseInsensitive {
			return nil
		}
		if i == 0 {
			name, f = e.Field, fs.byName[e.Field]
			if f == nil || f.multi() || f.kind == kBool {
				return nil
			}
		} else if e.Field != name {
			return nil
		}
		v, ok := operand(e.Value, f.kind)
		if !ok {
			return nil
		}
		if f.kind == kString {
			strs[v.s] = struct{}{}
		} else {
			nums[v.n] = struct{}{}
		}
	}
	if f.kind == kString {
		return func(r T, _ *binding) bool {
			v, ok := f.get(r)
			_, in := strs[v.s]
			return ok && in
		}
	}
	return func(r T, _ *binding) bool {
		v, ok := f.get(r)
		_, in := nums[v.n]
		return ok && in
	}
}
