package refserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The filter decoder turns a list body (filtering.md) into a compiled query.
// Every problem is a 400 that names it and where it is; evaluation (filtereval.go)
// can then not fail.

const maxFilterDepth = 32

type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

func (e *filterError) response() response {
	return detail(http.StatusBadRequest, "Invalid filter: "+e.msg)
}

func ferr(format string, args ...any) *filterError {
	return &filterError{msg: fmt.Sprintf(format, args...)}
}

var (
	topKeys      = []string{"expressions", "order_by", "include_inactive"}
	logicalKeys  = []string{"type", "sub_expressions", "invert"}
	exactKeys    = []string{"type", "field", "value", "case_insensitive", "invert"}
	containsKeys = []string{"type", "field", "sub_string", "case_insensitive", "invert"}
	isNullKeys   = []string{"type", "field", "invert"}
	compareKeys  = []string{"type", "field", "operator", "value", "invert"}
	orderKeys    = []string{"field", "ascending", "nulls_first"}
	exprTypes    = "and, or, exact, contains, isnull (or is_null), compare"
)

// compileFilter decodes a list body. A blank body means no filter (nil query).
// Syntax errors answer like DRF's JSON parser; everything else is a filter error.
func compileFilter[T any](body []byte, fs *fieldSet[T]) (*query[T], *response) {
	if isBlankBody(body) {
		return nil, nil
	}
	if !json.Valid(body) {
		var v any
		r := parseError(json.Unmarshal(body, &v))
		return nil, &r
	}
	q, err := decodeFilter(body, fs)
	if err != nil {
		r := err.response()
		return nil, &r
	}
	return q, nil
}

func decodeFilter[T any](body []byte, fs *fieldSet[T]) (*query[T], *filterError) {
	top, err := object(body, "the filter", topKeys)
	if err != nil {
		return nil, err
	}
	q := &query[T]{}
	if raw, ok := top["expressions"]; ok && !isNull(raw) {
		var exprs []json.RawMessage
		if json.Unmarshal(raw, &exprs) != nil {
			return nil, ferr("expressions must be an array, got %s", pyType(raw))
		}
		for i, e := range exprs {
			p, err := compileExpr(e, fs, fmt.Sprintf("expressions[%d]", i), 1)
			if err != nil {
				return nil, err
			}
			q.stages = append(q.stages, p)
		}
	}
	if raw, ok := top["order_by"]; ok && !isNull(raw) {
		var orders []json.RawMessage
		if json.Unmarshal(raw, &orders) != nil {
			return nil, ferr("order_by must be an array, got %s", pyType(raw))
		}
		for i, o := range orders {
			ord, err := compileOrdering(o, fs, fmt.Sprintf("order_by[%d]", i))
			if err != nil {
				return nil, err
			}
			q.order = append(q.order, ord)
		}
	}
	// include_inactive: nothing in the catalog is soft-deleted, so it changes
	// nothing, but it must still be a boolean.
	if _, err := optBool(top, "include_inactive", "the filter", false); err != nil {
		return nil, err
	}
	return q, nil
}

// object decodes a JSON object and rejects keys the documentation does not
// list, as the backend's strict JSON schema does.
func object(raw []byte, where string, allowed []string) (map[string]json.RawMessage, *filterError) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, ferr("%s must be a JSON object, got %s", where, pyType(raw))
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, ferr("unknown key %q in %s (allowed: %s)", k, where, strings.Join(allowed, ", "))
		}
	}
	return m, nil
}

func optBool(m map[string]json.RawMessage, key, where string, def bool) (bool, *filterError) {
	raw, ok := m[key]
	if !ok {
		return def, nil
	}
	switch pyType(raw) {
	case "bool":
		var b bool
		_ = json.Unmarshal(raw, &b)
		return b, nil
	}
	return false, ferr("%s in %s must be a boolean, got %s", key, where, pyType(raw))
}

func reqString(m map[string]json.RawMessage, key, where string) (string, *filterError) {
	raw, ok := m[key]
	if !ok {
		return "", ferr("%s is missing %s", where, key)
	}
	s, ok := jsonString(raw)
	if !ok {
		return "", ferr("%s in %s must be a string, got %s", key, where, pyType(raw))
	}
	return s, nil
}

func lookupField[T any](fs *fieldSet[T], name, where string) (*field[T], *filterError) {
	f, ok := fs.byName[name]
	if !ok {
		return nil, ferr("unknown field %q in %s; %s fields are: %s", name, where, fs.what, strings.Join(fs.names, ", "))
	}
	return f, nil
}

func compileExpr[T any](raw json.RawMessage, fs *fieldSet[T], where string, depth int) (pred[T], *filterError) {
	if depth > maxFilterDepth {
		return nil, ferr("%s nests deeper than %d levels", where, maxFilterDepth)
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil || probe == nil {
		return nil, ferr("%s must be a JSON object, got %s", where, pyType(raw))
	}
	typ, err := reqString(probe, "type", where)
	if err != nil {
		return nil, err
	}
	var keys []string
	switch typ {
	case "and", "or":
		keys = logicalKeys
	case "exact":
		keys = exactKeys
	case "contains":
		keys = containsKeys
	case "isnull", "is_null":
		keys = isNullKeys
	case "compare":
		keys = compareKeys
	default:
		return nil, ferr("unknown expression type %q in %s (known: %s)", typ, where, exprTypes)
	}
	m, err := object(raw, fmt.Sprintf("%s (%s)", where, typ), keys)
	if err != nil {
		return nil, err
	}
	invert, err := optBool(m, "invert", where, false)
	if err != nil {
		return nil, err
	}
	var p pred[T]
	switch typ {
	case "and", "or":
		p, err = compileLogical(m, typ, fs, where, depth)
	case "isnull", "is_null":
		var f *field[T]
		if f, err = fieldOf(m, fs, where); err == nil {
			p = isNullPred(f)
		}
	case "exact":
		p, err = compileExact(m, fs, where)
	case "contains":
		p, err = compileContains(m, fs, where)
	case "compare":
		p, err = compileCompare(m, fs, where)
	}
	if err != nil {
		return nil, err
	}
	if invert {
		p = not(p)
	}
	return p, nil
}

func fieldOf[T any](m map[string]json.RawMessage, fs *fieldSet[T], where string) (*field[T], *filterError) {
	name, err := reqString(m, "field", where)
	if err != nil {
		return nil, err
	}
	return lookupField(fs, name, where)
}

func compileLogical[T any](m map[string]json.RawMessage, typ string, fs *fieldSet[T], where string, depth int) (pred[T], *filterError) {
	raw, ok := m["sub_expressions"]
	if !ok {
		return nil, ferr("%s (%s) is missing sub_expressions", where, typ)
	}
	var subs []json.RawMessage
	if json.Unmarshal(raw, &subs) != nil || subs == nil {
		return nil, ferr("sub_expressions in %s must be an array, got %s", where, pyType(raw))
	}
	if len(subs) == 0 {
		return nil, ferr("sub_expressions in %s (%s) must not be empty", where, typ)
	}
	ps := make([]pred[T], 0, len(subs))
	for i, sub := range subs {
		at := fmt.Sprintf("%s.sub_expressions[%d]", where, i)
		if typ == "and" && exprType(sub) == "or" {
			return nil, ferr("%s: an \"and\" expression cannot contain an \"or\" expression", at)
		}
		p, err := compileExpr(sub, fs, at, depth+1)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if len(ps) == 1 {
		return ps[0], nil
	}
	if typ == "or" {
		if p := exactSet(subs, fs); p != nil {
			return p, nil
		}
	}
	if typ == "and" {
		return and(ps), nil
	}
	return or(ps), nil
}

// exactSet compiles an "or" of plain exact matches on one single-valued field
// (the batched read by pk: pk=1 or pk=7 or ...) into one set lookup, so that
// its cost does not grow with the number of alternatives. It returns nil when
// the expression has another shape; the subs have been validated already.
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
		v, err := operand(e.Value, f.kind, name, "")
		if err != nil {
			return nil
		}
		if f.kind == kString {
			strs[v.s] = struct{}{}
		} else {
			nums[v.n] = struct{}{}
		}
	}
	if f.kind == kString {
		return func(r T) bool {
			v, ok := f.get(r)
			_, in := strs[v.s]
			return ok && in
		}
	}
	return func(r T) bool {
		v, ok := f.get(r)
		_, in := nums[v.n]
		return ok && in
	}
}

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

// operand decodes the value of exact/compare for a field of kind k.
func operand(raw json.RawMessage, k kind, name, where string) (value, *filterError) {
	t := pyType(raw)
	bad := func() (value, *filterError) {
		return value{}, ferr("value in %s must be %s for field %q, got %s", where, kindNoun(k), name, t)
	}
	switch k {
	case kString:
		s, ok := jsonString(raw)
		if !ok {
			return bad()
		}
		return value{s: s}, nil
	case kBool:
		if t != "bool" {
			return bad()
		}
		var b bool
		_ = json.Unmarshal(raw, &b)
		return value{b: b}, nil
	case kInt:
		n, ok := jsonInt(raw)
		if !ok {
			return bad()
		}
		return value{n: float64(n)}, nil
	case kFloat:
		if t != "int" && t != "float" {
			return bad()
		}
		f, ok := jsonNumber(raw)
		if !ok {
			return bad()
		}
		return value{n: f}, nil
	case kDecimal:
		if t != "int" && t != "float" && t != "str" {
			return bad()
		}
		f, ok := jsonNumber(raw)
		if !ok {
			return bad()
		}
		s, isStr := jsonString(raw)
		if !isStr {
			s = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return value{s: s, n: f}, nil
	}
	return bad()
}

func kindNoun(k kind) string {
	switch k {
	case kString:
		return "a string"
	case kInt:
		return "an integer"
	case kFloat:
		return "a number"
	case kBool:
		return "a boolean"
	}
	return "a number or a numeric string"
}

func compileExact[T any](m map[string]json.RawMessage, fs *fieldSet[T], where string) (pred[T], *filterError) {
	name, _ := jsonString(m["field"])
	f, err := fieldOf(m, fs, where)
	if err != nil {
		return nil, err
	}
	raw, ok := m["value"]
	if !ok {
		return nil, ferr("%s (exact) is missing value", where)
	}
	want, err := operand(raw, f.kind, name, where)
	if err != nil {
		return nil, err
	}
	ci, err := optBool(m, "case_insensitive", where, false)
	if err != nil {
		return nil, err
	}
	var match func(value) bool
	switch {
	case f.kind == kString && ci:
		match = func(v value) bool { return strings.EqualFold(v.s, want.s) }
	case f.kind == kString:
		match = func(v value) bool { return v.s == want.s }
	case f.kind == kBool:
		match = func(v value) bool { return v.b == want.b }
	default:
		// Numbers; case_insensitive means nothing for them and is ignored.
		match = func(v value) bool { return v.n == want.n }
	}
	return lift(f, match), nil
}

func compileContains[T any](m map[string]json.RawMessage, fs *fieldSet[T], where string) (pred[T], *filterError) {
	name, _ := jsonString(m["field"])
	f, err := fieldOf(m, fs, where)
	if err != nil {
		return nil, err
	}
	if f.kind != kString && f.kind != kDecimal {
		return nil, ferr("contains in %s needs a text field; %q is %s", where, name, f.kind)
	}
	sub, err := reqString(m, "sub_string", where)
	if err != nil {
		return nil, err
	}
	ci, err := optBool(m, "case_insensitive", where, false)
	if err != nil {
		return nil, err
	}
	if ci {
		return lift(f, func(v value) bool { return containsFold(v.s, sub) }), nil
	}
	return lift(f, func(v value) bool { return strings.Contains(v.s, sub) }), nil
}

func compileCompare[T any](m map[string]json.RawMessage, fs *fieldSet[T], where string) (pred[T], *filterError) {
	name, _ := jsonString(m["field"])
	f, err := fieldOf(m, fs, where)
	if err != nil {
		return nil, err
	}
	if f.kind == kBool {
		return nil, ferr("compare in %s cannot use boolean field %q", where, name)
	}
	op, err := reqString(m, "operator", where)
	if err != nil {
		return nil, err
	}
	var ok func(int) bool
	switch op {
	case "<":
		ok = func(c int) bool { return c < 0 }
	case "<=":
		ok = func(c int) bool { return c <= 0 }
	case ">":
		ok = func(c int) bool { return c > 0 }
	case ">=":
		ok = func(c int) bool { return c >= 0 }
	default:
		return nil, ferr("unknown operator %q in %s (known: <, <=, >, >=)", op, where)
	}
	raw, present := m["value"]
	if !present {
		return nil, ferr("%s (compare) is missing value", where)
	}
	want, err := operand(raw, f.kind, name, where)
	if err != nil {
		return nil, err
	}
	k := f.kind
	return lift(f, func(v value) bool { return ok(compareValues(k, v, want)) }), nil
}

func compileOrdering[T any](raw json.RawMessage, fs *fieldSet[T], where string) (ordering[T], *filterError) {
	var o ordering[T]
	m, err := object(raw, where, orderKeys)
	if err != nil {
		return o, err
	}
	name, err := reqString(m, "field", where)
	if err != nil {
		return o, err
	}
	f, err := lookupField(fs, name, where)
	if err != nil {
		return o, err
	}
	if f.multi() {
		return o, ferr("cannot order by %q in %s: it has several values per %s", name, where, fs.what)
	}
	asc, err := optBool(m, "ascending", where, true)
	if err != nil {
		return o, err
	}
	// PostgreSQL's default: NULLs sort as larger than every value, so last
	// when ascending and first when descending.
	nullsFirst := !asc
	if raw, ok := m["nulls_first"]; ok && !isNull(raw) {
		if nullsFirst, err = optBool(m, "nulls_first", where, nullsFirst); err != nil {
			return o, err
		}
	}
	return ordering[T]{f: f, desc: !asc, nullsFirst: nullsFirst}, nil
}
