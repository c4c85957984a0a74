// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFilterJSON(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"empty", Filter{}, `{"expressions":[],"order_by":[]}`},
		{"exact false is sent", Filter{Expressions: []Expression{{Type: ExprExact, Field: "cpu", Value: false}}},
			`{"expressions":[{"type":"exact","field":"cpu","value":false}],"order_by":[]}`},
		{"exact zero and empty string are sent", Filter{Expressions: []Expression{
			{Type: ExprExact, Field: "pk", Value: 0}, {Type: ExprExact, Field: "registry_url", Value: ""}}},
			`{"expressions":[{"type":"exact","field":"pk","value":0},{"type":"exact","field":"registry_url","value":""}],"order_by":[]}`},
		{"exact flags", Filter{Expressions: []Expression{{Type: ExprExact, Field: "name", Value: "robert", CaseInsensitive: true, Invert: true}}},
			`{"expressions":[{"type":"exact","field":"name","value":"robert","case_insensitive":true,"invert":true}],"order_by":[]}`},
		{"float value", Filter{Expressions: []Expression{{Type: ExprExact, Field: "height", Value: 1.75}}},
			`{"expressions":[{"type":"exact","field":"height","value":1.75}],"order_by":[]}`},
		{"json.Number", Filter{Expressions: []Expression{{Type: ExprExact, Field: "pk", Value: json.Number("12")}}},
			`{"expressions":[{"type":"exact","field":"pk","value":12}],"order_by":[]}`},
		{"contains", Filter{Expressions: []Expression{{Type: ExprContains, Field: "name", SubString: "rob", CaseInsensitive: true}}},
			`{"expressions":[{"type":"contains","field":"name","sub_string":"rob","case_insensitive":true}],"order_by":[]}`},
		{"isnull", Filter{Expressions: []Expression{{Type: ExprIsNull, Field: "min_hardware_generation", Invert: true}}},
			`{"expressions":[{"type":"isnull","field":"min_hardware_generation","invert":true}],"order_by":[]}`},
		{"is_null spelling sent as isnull", Filter{Expressions: []Expression{{Type: "is_null", Field: "registry_username"}}},
			`{"expressions":[{"type":"isnull","field":"registry_username"}],"order_by":[]}`},
		{"compare zero", Filter{Expressions: []Expression{{Type: ExprCompare, Field: "pk", Operator: OpGreaterEqual, Value: 0}}},
			`{"expressions":[{"type":"compare","field":"pk","operator":">=","value":0}],"order_by":[]}`},
		{"compare string inverted", Filter{Expressions: []Expression{{Type: ExprCompare, Field: "cuda_version__version", Operator: OpLess, Value: "11", Invert: true}}},
			`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":"<","value":"11","invert":true}],"order_by":[]}`},
		{"ordering", Filter{OrderBy: []Ordering{
			{Field: "height", Ascending: false}, {Field: "name", Ascending: true},
			{Field: "other", Ascending: true, NullsFirst: &yes}, {Field: "x", NullsFirst: &no}}},
			`{"expressions":[],"order_by":[{"field":"height","ascending":false},{"field":"name","ascending":true},{"field":"other","ascending":true,"nulls_first":true},{"field":"x","ascending":false,"nulls_first":false}]}`},
	} {
		b, err := marshalJSON(tc.f)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(b) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, b, tc.want)
		}
	}
}

// The example of filtering.md, built with the Go types.
func TestFilterDocExample(t *testing.T) {
	yes := true
	f := Filter{
		Expressions: []Expression{{Type: ExprOr, SubExpressions: []Expression{
			{Type: ExprAnd, SubExpressions: []Expression{
				{Type: ExprExact, Field: "name", Value: "robert", CaseInsensitive: true},
				{Type: ExprExact, Field: "height", Value: 1.75},
			}},
			{Type: ExprAnd, SubExpressions: []Expression{
				{Type: ExprExact, Field: "name", Value: "robert", CaseInsensitive: true, Invert: true},
				{Type: ExprContains, Field: "name", SubString: "rob", CaseInsensitive: true},
				{Type: ExprExact, Field: "height", Value: 2.0, Invert: true},
			}},
		}}},
		OrderBy: []Ordering{
			{Field: "height", Ascending: false},
			{Field: "name", Ascending: true},
			{Field: "other", Ascending: true, NullsFirst: &yes},
		},
	}
	b, err := marshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"expressions":[{"type":"or","sub_expressions":[` +
		`{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"robert","case_insensitive":true},{"type":"exact","field":"height","value":1.75}]},` +
		`{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"robert","case_insensitive":true,"invert":true},{"type":"contains","field":"name","sub_string":"rob","case_insensitive":true},{"type":"exact","field":"height","value":2,"invert":true}]}]}],` +
		`"order_by":[{"field":"height","ascending":false},{"field":"name","ascending":true},{"field":"other","ascending":true,"nulls_first":true}]}`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

func TestFilterRefusesBadExpressions(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Expression
		want string
	}{
		{"unknown type", Expression{Type: "like", Field: "name"}, `expression type "like" is not one of`},
		{"no field", Expression{Type: ExprExact, Value: 1}, "exact expression without a field"},
		{"nil value", Expression{Type: ExprExact, Field: "name"}, `exact on "name" has no value`},
		{"struct value", Expression{Type: ExprExact, Field: "name", Value: struct{}{}}, "value of type struct {} cannot be sent"},
		{"bool compare", Expression{Type: ExprCompare, Field: "cpu", Operator: OpLess, Value: true}, "value of type bool cannot be sent"},
		{"bad operator", Expression{Type: ExprCompare, Field: "pk", Operator: "==", Value: 1}, `operator "==" is not one of`},
		{"nested", Expression{Type: ExprOr, SubExpressions: []Expression{{Type: ExprIsNull}}}, "isnull expression without a field"},
	} {
		_, err := marshalJSON(Filter{Expressions: []Expression{tc.e}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := marshalJSON(Filter{OrderBy: []Ordering{{}}}); err == nil {
		t.Error("ordering without field accepted")
	}
}

func TestListRequestErrorIsReadable(t *testing.T) {
	_, err := listRequest("/v1/docker/list", &Filter{Expressions: []Expression{{Type: ExprOr, SubExpressions: []Expression{{Type: "like"}}}}})
	want := `POST /v1/docker/list: filter: expression type "like" is not one of and, or, exact, contains, isnull, compare`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestFilterFollowsTheServerSchema(t *testing.T) {
	pk := func(n int) Expression { return Expression{Type: ExprExact, Field: "pk", Value: n} }
	name := Expression{Type: ExprExact, Field: "name", Value: "yolo"}
	for _, tc := range []struct {
		name string
		in   Expression
		want string // JSON of the expression sent, or the error
	}{
		{"or of one is its element", Expression{Type: ExprOr, SubExpressions: []Expression{pk(31)}},
			`{"type":"exact","field":"pk","value":31}`},
		{"and of one is its element", Expression{Type: ExprAnd, SubExpressions: []Expression{name}},
			`{"type":"exact","field":"name","value":"yolo"}`},
		{"inverted or of one inverts its element", Expression{Type: ExprOr, Invert: true, SubExpressions: []Expression{pk(1)}},
			`{"type":"exact","field":"pk","value":1,"invert":true}`},
		{"or of one and is that and", Expression{Type: ExprOr, SubExpressions: []Expression{{Type: ExprAnd, SubExpressions: []Expression{name, pk(2)}}}},
			`{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"pk","value":2}]}`},
		{"and inside and joins it", Expression{Type: ExprAnd, SubExpressions: []Expression{name, {Type: ExprAnd, SubExpressions: []Expression{pk(1), pk(2)}}}},
			`{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"pk","value":1},{"type":"exact","field":"pk","value":2}]}`},
		{"or inside or joins it", Expression{Type: ExprOr, SubExpressions: []Expression{pk(1), {Type: ExprOr, SubExpressions: []Expression{pk(2), pk(3)}}}},
			`{"type":"or","sub_expressions":[{"type":"exact","field":"pk","value":1},{"type":"exact","field":"pk","value":2},{"type":"exact","field":"pk","value":3}]}`},
		{"or of ands stays", Expression{Type: ExprOr, SubExpressions: []Expression{
			{Type: ExprAnd, SubExpressions: []Expression{name, pk(1)}}, {Type: ExprAnd, SubExpressions: []Expression{name, pk(2)}}}},
			`{"type":"or","sub_expressions":[{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"pk","value":1}]},{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"pk","value":2}]}]}`},
		{"and of an or of one is an and of leaves", Expression{Type: ExprAnd, SubExpressions: []Expression{name, {Type: ExprOr, SubExpressions: []Expression{pk(4)}}}},
			`{"type":"and","sub_expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"pk","value":4}]}`},
		{"and holding an or is refused", Expression{Type: ExprAnd, SubExpressions: []Expression{name, {Type: ExprOr, SubExpressions: []Expression{pk(1), pk(2)}}}},
			"error: an and expression cannot hold an or expression"},
		{"inverted and inside and is refused", Expression{Type: ExprAnd, SubExpressions: []Expression{name, {Type: ExprAnd, Invert: true, SubExpressions: []Expression{pk(1), pk(2)}}}},
			"error: an and expression cannot hold an and expression"},
		{"empty or is refused", Expression{Type: ExprOr}, "error: an or expression needs at least one sub-expression"},
		{"empty sub_string is refused", Expression{Type: ExprContains, Field: "url"}, "error: contains on \"url\" needs a sub_string of at least one character"},
	} {
		body, err := marshalJSON(Filter{Expressions: []Expression{tc.in}})
		if err != nil {
			if !strings.HasPrefix(tc.want, "error: ") || !strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "error: ")) {
				t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
			}
			continue
		}
		want := `{"expressions":[` + tc.want + `],"order_by":[]}`
		if string(body) != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, body, want)
		}
		if p := SchemaProblem(body); p != "" {
			t.Errorf("%s: the server's schema refuses %s: %s", tc.name, body, p)
		}
	}
}
