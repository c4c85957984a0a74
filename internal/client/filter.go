// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Expression types of the filter language (filtering.md).
const (
	ExprAnd      = "and"
	ExprOr       = "or"
	ExprExact    = "exact"
	ExprContains = "contains"
	// ExprIsNull is sent as "isnull", the spelling the official clients use; the
	// docs' "is_null" is accepted in Expression.Type and sent as "isnull" too.
	ExprIsNull  = "isnull"
	ExprCompare = "compare"
)

// Comparison operators for ExprCompare.
const (
	OpLess         = "<"
	OpGreater      = ">"
	OpLessEqual    = "<="
	OpGreaterEqual = ">="
)

// Filter is a list call's body: expressions applied in turn, then the ordering.
type Filter struct {
	Expressions []Expression
	OrderBy     []Ordering
}

// Expression is one filter expression. Which fields are sent depends on Type:
//
//	and, or:  sub_expressions
//	exact:    field, value (always, even false/0/""), case_insensitive, invert
//	contains: field, sub_string (always), case_insensitive, invert
//	isnull:   field, invert
//	compare:  field, operator, value (always), invert
//
// case_insensitive and invert are sent only when true (both default to false).
// Value may be a bool, any integer or float type, a string, or a json.Number.
type Expression struct {
	Type            string
	Field           string
	Value           any
	SubString       string
	Operator        string
	CaseInsensitive bool
	Invert          bool
	SubExpressions  []Expression
}

// Ordering sorts by Field. Ascending is always sent (the Go zero value means
// descending); NullsFirst is sent only when set, else the database default
// applies (nulls last ascending, first descending).
type Ordering struct {
	Field      string
	Ascending  bool
	NullsFirst *bool
}

type filterJSON struct {
	Expressions []Expression `json:"expressions"`
	OrderBy     []Ordering   `json:"order_by"`
}

// MarshalJSON writes {"expressions": [...], "order_by": [...]}, both always
// present as arrays, with each expression in the form the server's filter schema accepts
// (see normalise).
func (f Filter) MarshalJSON() ([]byte, error) {
	out := filterJSON{Expressions: make([]Expression, 0, len(f.Expressions)), OrderBy: f.OrderBy}
	for _, e := range f.Expressions {
		n, err := normalise(e)
		if err != nil {
			return nil, err
		}
		out.Expressions = append(out.Expressions, n)
	}
	if out.OrderBy == nil {
		out.OrderBy = []Ordering{}
	}
	return marshalJSON(out)
}

// normalise rewrites e into the form the real backend's filter schema (ufdl-json-messages)
// accepts, which the docs do not state: "and" and "or" need at least two sub-expressions,
// "and" holds only field expressions and "or" only "and"s and field expressions. An "and" or
// "or" of one expression is that expression (inverted with it), an "and" inside an "and" or
// an "or" inside an "or" joins its parent; what cannot be written that way is refused.
func normalise(e Expression) (Expression, error) {
	if e.Type != ExprAnd && e.Type != ExprOr {
		return e, nil
	}
	subs := make([]Expression, 0, len(e.SubExpressions))
	for _, sub := range e.SubExpressions {
		n, err := normalise(sub)
		if err != nil {
			return Expression{}, err
		}
		if n.Type == e.Type && !n.Invert {
			subs = append(subs, n.SubExpressions...)
			continue
		}
		subs = append(subs, n)
	}
	switch len(subs) {
	case 0:
		return Expression{}, fmt.Errorf("filter: an %s expression needs at least one sub-expression", e.Type)
	case 1:
		only := subs[0]
		only.Invert = only.Invert != e.Invert
		return only, nil
	}
	for _, sub := range subs {
		nested := sub.Type == ExprAnd || sub.Type == ExprOr
		if nested && (e.Type == ExprAnd || sub.Type == ExprOr) {
			return Expression{}, fmt.Errorf("filter: an %s expression cannot hold an %s expression: the server allows only field expressions inside and, and ands and field expressions inside or", e.Type, sub.Type)
		}
	}
	e.SubExpressions = subs
	return e, nil
}

type logicalJSON struct {
	Type           string       `json:"type"`
	SubExpressions []Expression `json:"sub_expressions"`
	Invert         bool         `json:"invert,omitempty"`
}

type exactJSON struct {
	Type            string `json:"type"`
	Field           string `json:"field"`
	Value           any    `json:"value"`
	CaseInsensitive bool   `json:"case_insensitive,omitempty"`
	Invert          bool   `json:"invert,omitempty"`
}

type containsJSON struct {
	Type            string `json:"type"`
	Field           string `json:"field"`
	SubString       string `json:"sub_string"`
	CaseInsensitive bool   `json:"case_insensitive,omitempty"`
	Invert          bool   `json:"invert,omitempty"`
}

type isNullJSON struct {
	Type   string `json:"type"`
	Field  string `json:"field"`
	Invert bool   `json:"invert,omitempty"`
}

type compareJSON struct {
	Type     string `json:"type"`
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
	Invert   bool   `json:"invert,omitempty"`
}

// MarshalJSON writes the documented JSON for the expression's type and refuses
// expressions the server could only reject.
func (e Expression) MarshalJSON() ([]byte, error) {
	needField := func() error {
		if e.Field == "" {
			return fmt.Errorf("filter: %s expression without a field", e.Type)
		}
		return nil
	}
	switch e.Type {
	case ExprAnd, ExprOr:
		if len(e.SubExpressions) < 2 {
			return nil, fmt.Errorf("filter: an %s expression needs at least two sub-expressions (a Filter normalises one)", e.Type)
		}
		return marshalJSON(logicalJSON{Type: e.Type, SubExpressions: e.SubExpressions, Invert: e.Invert})
	case ExprExact:
		if err := needField(); err != nil {
			return nil, err
		}
		if err := checkValue(e, true); err != nil {
			return nil, err
		}
		return marshalJSON(exactJSON{Type: e.Type, Field: e.Field, Value: e.Value, CaseInsensitive: e.CaseInsensitive, Invert: e.Invert})
	case ExprContains:
		if err := needField(); err != nil {
			return nil, err
		}
		if e.SubString == "" {
			return nil, fmt.Errorf("filter: contains on %q needs a sub_string of at least one character", e.Field)
		}
		return marshalJSON(containsJSON{Type: e.Type, Field: e.Field, SubString: e.SubString, CaseInsensitive: e.CaseInsensitive, Invert: e.Invert})
	case ExprIsNull, "is_null":
		if err := needField(); err != nil {
			return nil, err
		}
		return marshalJSON(isNullJSON{Type: ExprIsNull, Field: e.Field, Invert: e.Invert})
	case ExprCompare:
		if err := needField(); err != nil {
			return nil, err
		}
		switch e.Operator {
		case OpLess, OpGreater, OpLessEqual, OpGreaterEqual:
		default:
			return nil, fmt.Errorf("filter: compare on %q: operator %q is not one of <, <=, >, >=", e.Field, e.Operator)
		}
		if err := checkValue(e, false); err != nil {
			return nil, err
		}
		return marshalJSON(compareJSON{Type: e.Type, Field: e.Field, Operator: e.Operator, Value: e.Value, Invert: e.Invert})
	}
	return nil, fmt.Errorf("filter: expression type %q is not one of and, or, exact, contains, isnull, compare", e.Type)
}

// checkValue accepts the JSON scalars the server compares with.
func checkValue(e Expression, allowBool bool) error {
	switch v := e.Value.(type) {
	case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return nil
	case bool:
		if allowBool {
			return nil
		}
	case json.Number:
		if _, err := v.Float64(); err == nil {
			return nil
		}
	case nil:
		return fmt.Errorf("filter: %s on %q has no value (use an isnull expression to match null)", e.Type, e.Field)
	}
	return fmt.Errorf("filter: %s on %q: value of type %T cannot be sent", e.Type, e.Field, e.Value)
}

type orderingJSON struct {
	Field      string `json:"field"`
	Ascending  bool   `json:"ascending"`
	NullsFirst *bool  `json:"nulls_first,omitempty"`
}

// MarshalJSON writes {"field", "ascending", ["nulls_first"]}.
func (o Ordering) MarshalJSON() ([]byte, error) {
	if o.Field == "" {
		return nil, fmt.Errorf("filter: ordering without a field")
	}
	return marshalJSON(orderingJSON(o))
}

// SchemaProblem says why the real backend's filter schema (ufdl-json-messages: FilterSpec,
// And, Or, Exact, Contains, IsNull, Compare) refuses a list body, or "" when it accepts it.
// It is written from the schema, independently of the marshalling above, and every list
// call is checked with it before it is sent.
func SchemaProblem(body []byte) string {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return "not a JSON object"
	}
	for k := range top {
		if k != "expressions" && k != "order_by" && k != "include_inactive" {
			return "unknown key " + k
		}
	}
	var exprs []map[string]any
	if raw, ok := top["expressions"]; ok {
		if err := json.Unmarshal(raw, &exprs); err != nil {
			return "expressions is not an array of objects"
		}
	}
	keys := map[string][]string{
		"and": {"type", "sub_expressions", "invert"}, "or": {"type", "sub_expressions", "invert"},
		"exact":    {"type", "field", "value", "case_insensitive", "invert"},
		"contains": {"type", "field", "sub_string", "case_insensitive", "invert"},
		"isnull":   {"type", "field", "invert"},
		"compare":  {"type", "field", "operator", "value", "invert"},
	}
	var check func(e map[string]any, allowed ...string) string
	check = func(e map[string]any, allowed ...string) string {
		typ, _ := e["type"].(string)
		if !slices.Contains(allowed, typ) {
			return fmt.Sprintf("%q where only %v may stand", typ, allowed)
		}
		for k := range e {
			if !slices.Contains(keys[typ], k) {
				return fmt.Sprintf("unknown key %q in %s", k, typ)
			}
		}
		switch typ {
		case "and", "or":
			subs, _ := e["sub_expressions"].([]any)
			if len(subs) < 2 {
				return typ + " with fewer than two sub_expressions"
			}
			inner := []string{"exact", "contains", "isnull", "compare"}
			if typ == "or" {
				inner = append(inner, "and")
			}
			for _, sub := range subs {
				m, _ := sub.(map[string]any)
				if p := check(m, inner...); p != "" {
					return p
				}
			}
		case "contains":
			if s, _ := e["sub_string"].(string); s == "" {
				return "contains with an empty sub_string"
			}
		}
		if typ != "and" && typ != "or" {
			if f, _ := e["field"].(string); f == "" {
				return typ + " without a field"
			}
		}
		return ""
	}
	for _, e := range exprs {
		if p := check(e, "and", "or", "exact", "contains", "isnull", "compare"); p != "" {
			return p
		}
	}
	return ""
}
