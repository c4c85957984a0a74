// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// filterHarness holds five images chosen so that every filter feature has a
// visible effect:
//
//	pk name           cpu   generation tasks          user    cuda framework     domain licence
//	1  yolo           false Pascal     Predict,Train  public  11.1 12 yolo v7    od     GPL3
//	2  yolo_cpu       true  null       Predict        null    0.0  12 yolo v7    od     GPL3
//	3  mmdet          false Turing     Train          public  10.1 9  mmdetection od    Apache 2.0
//	4  tf_imageclass  false Pascal     -              public  9.2  1  tensorflow ic     Apache 2.0
//	5  coqui_stt      true  Pascal     Export         Public  0.0  16 coqui_stt  sp     Mozilla Public License 2.0
//
// The documented profile is used: it accepts the null generation and is_null.
func filterHarness(t *testing.T) *harness {
	h := newHarness(t, Options{})
	for _, b := range []map[string]any{
		yoloBody(),
		with(yoloBody(), "name", "yolo_cpu", "cpu", true, "min_hardware_generation", nil, "tasks", []string{"Predict"},
			"registry_username", nil, "cuda_version", "0.0"),
		with(yoloBody(), "name", "mmdet", "min_hardware_generation", "Turing", "tasks", []string{"Train"},
			"cuda_version", "10.1", "framework", 9, "licence", "Apache 2.0"),
		with(yoloBody(), "name", "tf_imageclass", "tasks", []string{}, "cuda_version", "9.2", "framework", 1,
			"domain", "ic", "licence", "Apache 2.0"),
		with(yoloBody(), "name", "coqui_stt", "cpu", true, "tasks", []string{"Export"}, "registry_username", "Public",
			"cuda_version", "0.0", "framework", 16, "domain", "sp", "licence", "Mozilla Public License 2.0"),
	} {
		if _, err := h.srv.CreateImage(b); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) listPKs(route string, filter any) []int {
	h.t.Helper()
	b := h.expect("POST", route, h.user, filter, 200, nil)
	var pks []int
	for _, im := range decode[[]map[string]any](h.t, b) {
		pks = append(pks, int(im["pk"].(float64)))
	}
	return pks
}

func exact(field string, v any, opts ...any) map[string]any {
	return with(map[string]any{"type": "exact", "field": field, "value": v}, opts...)
}

func expr(typ string, kv ...any) map[string]any { return with(map[string]any{"type": typ}, kv...) }

func exprs(es ...any) map[string]any { return map[string]any{"expressions": append([]any{}, es...)} }

func orderBy(os ...any) map[string]any { return map[string]any{"order_by": os} }

func TestFilterExpressions(t *testing.T) {
	h := filterHarness(t)
	for _, c := range []struct {
		name   string
		filter any
		want   []int
	}{
		{"no filter", nil, []int{1, 2, 3, 4, 5}},
		{"empty object", map[string]any{}, []int{1, 2, 3, 4, 5}},
		{"no expressions", exprs(), []int{1, 2, 3, 4, 5}},
		{"include_inactive", map[string]any{"include_inactive": true}, []int{1, 2, 3, 4, 5}},
		{"exact", exprs(exact("name", "yolo")), []int{1}},
		{"exact case sensitive", exprs(exact("name", "YOLO")), nil},
		{"exact case insensitive", exprs(exact("name", "YOLO", "case_insensitive", true)), []int{1}},
		{"exact inverted", exprs(exact("name", "yolo", "invert", true)), []int{2, 3, 4, 5}},
		{"exact bool", exprs(exact("cpu", true)), []int{2, 5}},
		{"exact bool false", exprs(exact("cpu", false)), []int{1, 3, 4}},
		{"exact pk", exprs(exact("pk", 3)), []int{3}},
		{"exact id alias", exprs(exact("id", 3.0)), []int{3}},
		{"foreign key by pk", exprs(exact("framework", 12)), []int{1, 2}},
		{"foreign key by pk string", exprs(exact("framework", "12")), []int{1, 2}},
		{"foreign key _id", exprs(exact("framework_id", 9)), []int{3}},
		{"related text", exprs(exact("framework__name", "yolo")), []int{1, 2}},
		{"related pk", exprs(exact("cuda_version__pk", 10)), []int{1}},
		{"domain code", exprs(exact("domain__name", "od")), []int{1, 2, 3}},
		{"domain description", exprs(exact("domain__description", "speech", "case_insensitive", true)), []int{5}},
		{"licence", exprs(exact("licence__name", "Apache 2.0")), []int{3, 4}},
		{"decimal by number", exprs(exact("cuda_version__version", 0)), []int{2, 5}},
		{"decimal by string", exprs(exact("cuda_version__version", "10.10")), []int{3}},
		{"null FK excluded", exprs(exact("min_hardware_generation__generation", "Pascal")), []int{1, 4, 5}},
		{"inverted includes null", exprs(exact("min_hardware_generation__generation", "Pascal", "invert", true)), []int{2, 3}},
		{"null text excluded", exprs(exact("registry_username", "public")), []int{1, 3, 4}},
		{"tasks any", exprs(exact("tasks__name", "Train")), []int{1, 3}},
		{"tasks none", exprs(exact("tasks__name", "Train", "invert", true)), []int{2, 4, 5}},
		{"tasks by pk", exprs(exact("tasks", 3)), []int{5}},
		{"contains", exprs(expr("contains", "field", "name", "sub_string", "o")), []int{1, 2, 5}},
		{"contains case insensitive", exprs(expr("contains", "field", "name", "sub_string", "YOLO", "case_insensitive", true)), []int{1, 2}},
		{"contains inverted", exprs(expr("contains", "field", "name", "sub_string", "yolo", "invert", true)), []int{3, 4, 5}},
		{"contains on an integer as text", exprs(expr("contains", "field", "pk", "sub_string", "4")), []int{4}},
		{"contains on a bool as text", exprs(expr("contains", "field", "cpu", "sub_string", "ru")), []int{2, 5}},
		{"exact number on text as str()", exprs(exact("cuda_version__full_version", json.RawMessage("0.0"))), []int{2, 5}},
		{"exact bool on text as str()", exprs(exact("name", true)), nil},
		{"exact number on bool", exprs(exact("cpu", 1)), []int{2, 5}},
		{"exact string on bool", exprs(exact("cpu", "True")), []int{2, 5}},
		{"exact fraction on pk truncates", exprs(exact("pk", 1.5)), []int{1}},
		{"dotted field", exprs(exact("framework.name", "yolo")), []int{1, 2}},
		{"contains decimal text", exprs(expr("contains", "field", "cuda_version__version", "sub_string", ".1")), []int{1, 3}},
		{"contains tasks", exprs(expr("contains", "field", "tasks__name", "sub_string", "ict")), []int{1, 2}},
		{"isnull", exprs(expr("isnull", "field", "registry_username")), []int{2}},
		{"is_null spelling", exprs(expr("is_null", "field", "min_hardware_generation")), []int{2}},
		{"isnull inverted", exprs(expr("isnull", "field", "min_hardware_generation", "invert", true)), []int{1, 3, 4, 5}},
		{"isnull on non-null field", exprs(expr("isnull", "field", "name")), nil},
		{"isnull tasks", exprs(expr("isnull", "field", "tasks__name")), []int{4}},
		{"compare >", exprs(expr("compare", "field", "pk", "operator", ">", "value", 3)), []int{4, 5}},
		{"compare >=", exprs(expr("compare", "field", "pk", "operator", ">=", "value", 3)), []int{3, 4, 5}},
		{"compare <", exprs(expr("compare", "field", "pk", "operator", "<", "value", 3)), []int{1, 2}},
		{"compare <=", exprs(expr("compare", "field", "pk", "operator", "<=", "value", 2)), []int{1, 2}},
		{"compare inverted", exprs(expr("compare", "field", "pk", "operator", "<=", "value", 2, "invert", true)), []int{3, 4, 5}},
		{"compare text", exprs(expr("compare", "field", "name", "operator", "<", "value", "n")), []int{3, 5}},
		{"compare decimal numerically", exprs(expr("compare", "field", "cuda_version__version", "operator", "<", "value", 10.1)), []int{2, 4, 5}},
		{"compare decimal string", exprs(expr("compare", "field", "cuda_version__version", "operator", ">=", "value", "11")), []int{1}},
		{"compare float", exprs(expr("compare", "field", "min_hardware_generation__min_compute_capability", "operator", ">", "value", 6)), []int{3}},
		// One stage joins tasks once: both conditions on the same task.
		{"and on one join", exprs(expr("and", "sub_expressions", []any{exact("tasks__name", "Train"), exact("tasks__name", "Predict")})), nil},
		{"and", exprs(expr("and", "sub_expressions", []any{exact("cpu", false), exact("domain__name", "od")})), []int{1, 3}},
		// A match per joined task: yolo has two.
		{"join rows", exprs(expr("contains", "field", "tasks__name", "sub_string", "i")), []int{1, 1, 2, 3}},
		{"or on one join", exprs(expr("or", "sub_expressions", []any{exact("tasks__name", "Train"), exact("tasks__name", "Predict")})), []int{1, 1, 2, 3}},
		{"or with a null join row", exprs(expr("or", "sub_expressions", []any{exact("tasks__name", "Export"), exact("domain__name", "ic")})), []int{4, 5}},
		{"negation is a subquery", exprs(expr("contains", "field", "tasks__name", "sub_string", "i", "invert", true)), []int{4, 5}},
		{"and inverted", exprs(expr("and", "invert", true, "sub_expressions", []any{exact("cpu", true), exact("domain__name", "od")})), []int{1, 3, 4, 5}},
		{"or", exprs(expr("or", "sub_expressions", []any{exact("name", "yolo"), exact("domain__name", "ic")})), []int{1, 4}},
		{"or of and", exprs(expr("or", "sub_expressions", []any{
			expr("and", "sub_expressions", []any{exact("cpu", true), exact("licence__name", "GPL3")}),
			exact("framework", 9)})), []int{2, 3}},
		{"or inverted", exprs(expr("or", "invert", true, "sub_expressions", []any{exact("pk", 1), exact("pk", 2)})), []int{3, 4, 5}},
		{"or as a set of pks", exprs(expr("or", "sub_expressions", []any{exact("pk", 5), exact("pk", 1), exact("pk", 9), exact("pk", 3.0)})), []int{1, 3, 5}},
		{"or as a set of texts", exprs(expr("or", "sub_expressions", []any{exact("registry_username", "Public"),
			exact("name", "x"), exact("name", "y"), exact("name", "z")})), []int{5}},
		{"or set skips nulls", exprs(expr("or", "sub_expressions", []any{exact("registry_username", "Public"),
			exact("registry_username", "x"), exact("registry_username", "y"), exact("registry_username", "public")})), []int{1, 3, 4, 5}},
		{"or set of decimals", exprs(expr("or", "sub_expressions", []any{exact("cuda_version__version", "10.10"),
			exact("cuda_version__version", 9.2), exact("cuda_version__version", "1"), exact("cuda_version__version", 2)})), []int{3, 4}},
		{"or with an inverted exact", exprs(expr("or", "sub_expressions", []any{exact("pk", 1), exact("pk", 2),
			exact("pk", 3), exact("pk", 1, "invert", true)})), []int{1, 2, 3, 4, 5}},
		{"or with case folding", exprs(expr("or", "sub_expressions", []any{exact("name", "YOLO", "case_insensitive", true),
			exact("name", "a"), exact("name", "b"), exact("name", "c")})), []int{1}},
		{"or of many-valued field", exprs(expr("or", "sub_expressions", []any{exact("tasks__name", "Export"),
			exact("tasks__name", "a"), exact("tasks__name", "b"), exact("tasks__name", "c")})), []int{5}},
		{"sequential stages", exprs(exact("domain__name", "od"), exact("cpu", false)), []int{1, 3}},
		{"sequential tasks", exprs(exact("tasks__name", "Train"), exact("tasks__name", "Predict")), []int{1}},
		{"null invert false", exprs(exact("pk", 1, "invert", false, "case_insensitive", false)), []int{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			if got := h.listPKs("/v1/docker/list", c.filter); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestFilterOrderingBackendIgnoresNullsLast(t *testing.T) {
	h := newHarness(t, Options{Profile: ProfileUFDLBackend})
	for _, b := range []map[string]any{
		with(yoloBody(), "name", "a", "min_hardware_generation", "Pascal"),
		with(yoloBody(), "name", "b", "min_hardware_generation", "Turing"),
	} {
		if _, err := h.srv.CreateImage(b); err != nil {
			t.Fatal(err)
		}
	}
	for _, nulls := range []any{false, nil} {
		o := map[string]any{"field": "min_hardware_generation__generation", "ascending": false}
		if nulls != nil {
			o["nulls_first"] = nulls
		}
		if got := h.listPKs("/v1/docker/list", orderBy(o)); !reflect.DeepEqual(got, []int{2, 1}) {
			t.Errorf("nulls_first %v: got %v, want [2 1]", nulls, got)
		}
	}
}

func TestFilterOrdering(t *testing.T) {
	h := filterHarness(t)
	o := func(field string, kv ...any) map[string]any { return with(map[string]any{"field": field}, kv...) }
	for _, c := range []struct {
		name   string
		filter any
		want   []int
	}{
		{"default pk", nil, []int{1, 2, 3, 4, 5}},
		{"name descending", orderBy(o("name", "ascending", false)), []int{2, 1, 4, 3, 5}},
		{"name ascending default", orderBy(o("name")), []int{5, 3, 4, 1, 2}},
		{"nulls last ascending", orderBy(o("min_hardware_generation__generation")), []int{1, 4, 5, 3, 2}},
		{"nulls first descending", orderBy(o("min_hardware_generation__generation", "ascending", false)), []int{2, 3, 1, 4, 5}},
		{"nulls first ascending", orderBy(o("min_hardware_generation__generation", "nulls_first", true)), []int{2, 1, 4, 5, 3}},
		// As documented, nulls_first=false lists nulls last (the backend profile's Django
		// ignores it: TestFilterOrderingBackendIgnoresNullsLast).
		{"nulls_first false descending", orderBy(o("min_hardware_generation__generation", "ascending", false, "nulls_first", false)), []int{3, 1, 4, 5, 2}},
		{"nulls_first false ascending", orderBy(o("registry_username", "nulls_first", false)), []int{5, 1, 3, 4, 2}},
		{"tasks once per task", orderBy(o("tasks__name"), o("pk")), []int{5, 1, 2, 1, 3, 4}},
		{"tasks reuse the filter's join", map[string]any{"expressions": []any{exact("tasks__name", "Train")},
			"order_by": []any{o("tasks__name"), o("pk")}}, []int{1, 3}},
		{"code point order", orderBy(o("registry_username")), []int{5, 1, 3, 4, 2}},
		{"decimal numerically", orderBy(o("cuda_version__version")), []int{2, 5, 4, 3, 1}},
		{"two keys", orderBy(o("cpu"), o("pk", "ascending", false)), []int{4, 3, 1, 5, 2}},
		{"foreign key by pk", orderBy(o("framework", "ascending", false)), []int{5, 1, 2, 3, 4}},
		{"filter and order", map[string]any{"expressions": []any{exact("domain__name", "od")},
			"order_by": []any{o("name", "ascending", false)}}, []int{2, 1, 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			if got := h.listPKs("/v1/docker/list", c.filter); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// Without order_by, both profiles list images as a fresh PostgreSQL table returns them: in
// the order they were written, an updated image after the others (the store's scan order).
func TestUnorderedListIsWriteOrder(t *testing.T) {
	h := filterHarness(t)
	h.expect("PATCH", "/v1/docker/2", h.admin, map[string]any{"name": "yolo_cpu2"}, 200, nil)
	h.expect("PUT", "/v1/docker/4", h.admin, with(yoloBody(), "name", "tf_imageclass"), 200, nil)
	h.expect("DELETE", "/v1/docker/3", h.admin, nil, 204, nil)
	if got, want := h.listPKs("/v1/docker/list", nil), []int{1, 5, 2, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("unordered list: got %v, want %v", got, want)
	}
	if got, want := h.listPKs("/v1/docker/list", orderBy(map[string]any{"field": "pk"})), []int{1, 2, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("ordered by pk: got %v, want %v", got, want)
	}
}

func TestFilterErrors(t *testing.T) {
	h := filterHarness(t)
	// The schema's refusals: 400 "Unable to parse JSON: <reason>".
	for _, c := range []struct {
		name   string
		filter any
		want   string // substring of the reason
	}{
		{"unknown type", exprs(expr("regex", "field", "name")), `no expression type 'regex'`},
		{"missing type", exprs(map[string]any{"field": "name"}), "no expression type ''"},
		{"unknown operator", exprs(expr("compare", "field", "pk", "operator", "!=", "value", 1)), `'!=' is not one of`},
		{"and holds or", exprs(expr("and", "sub_expressions", []any{exact("pk", 2), expr("or", "sub_expressions", []any{exact("pk", 1), exact("pk", 2)})})),
			`an "and" cannot hold an "or"`},
		{"and holds and", exprs(expr("and", "sub_expressions", []any{exact("pk", 2), expr("and", "sub_expressions", []any{exact("pk", 1), exact("pk", 2)})})),
			`an "and" cannot hold an "and"`},
		{"or holds or", exprs(expr("or", "sub_expressions", []any{exact("pk", 2), expr("or", "sub_expressions", []any{exact("pk", 1), exact("pk", 2)})})),
			`an "or" cannot hold an "or"`},
		{"one-element and", exprs(expr("and", "sub_expressions", []any{exact("pk", 1)})), "is too short"},
		{"one-element or", exprs(expr("or", "sub_expressions", []any{exact("pk", 1)})), "is too short"},
		{"empty and", exprs(expr("and", "sub_expressions", []any{})), "[] is too short"},
		{"null value", exprs(exact("name", nil)), `None is not valid`},
		{"list value", exprs(exact("name", []int{})), `[] is not valid`},
		{"bool compare value", exprs(expr("compare", "field", "pk", "operator", "<", "value", true)), `True is not valid`},
		{"contains without sub_string", exprs(expr("contains", "field", "name")), "'sub_string' is a required property"},
		{"contains empty", exprs(expr("contains", "field", "url", "sub_string", "")), "'' is too short"},
		{"exact without value", exprs(expr("exact", "field", "name")), "'value' is a required property"},
		{"compare without operator", exprs(expr("compare", "field", "pk", "value", 1)), "'operator' is a required property"},
		{"missing field", exprs(expr("exact", "value", 1)), "'field' is a required property"},
		{"empty field", exprs(expr("exact", "field", "", "value", 1)), "'' is too short"},
		{"field not a string", exprs(expr("exact", "field", 1, "value", 1)), "1 is not of type 'string'"},
		{"unknown key", exprs(exact("pk", 1, "negate", true)), `('negate' was unexpected)`},
		{"key of another type", exprs(expr("compare", "field", "name", "operator", "<", "value", "a", "case_insensitive", true)), `('case_insensitive' was unexpected)`},
		{"invert not bool", exprs(exact("pk", 1, "invert", "yes")), "'yes' is not of type 'boolean'"},
		{"missing sub_expressions", exprs(expr("or")), "'sub_expressions' is a required property"},
		{"expression not object", exprs(5), "5 is not valid under any of the given schemas"},
		{"expressions null", map[string]any{"expressions": nil}, "None is not of type 'array'"},
		{"order unknown key", orderBy(map[string]any{"field": "pk", "direction": "up"}), `('direction' was unexpected)`},
		{"order nulls_first null", orderBy(map[string]any{"field": "pk", "nulls_first": nil}), "None is not of type 'boolean'"},
		{"order missing field", orderBy(map[string]any{}), "'field' is a required property"},
		{"unknown top-level key", map[string]any{"filter": []any{}}, `('filter' was unexpected)`},
		{"pairs with an unknown key", [][]any{{"filter", 1}}, `('filter' was unexpected)`},
		{"include_inactive not bool", map[string]any{"include_inactive": "no"}, "'no' is not of type 'boolean'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			b := h.expect("POST", "/v1/docker/list", h.user, c.filter, 400, nil)
			d := decode[map[string]string](t, b)["detail"]
			if !strings.HasPrefix(d, "Unable to parse JSON: ") || !strings.Contains(d, c.want) {
				t.Fatalf("detail %q lacks %q", d, c.want)
			}
		})
	}
	// What the query builder fails on is Django's HTML 500 page.
	for _, c := range []struct {
		name   string
		filter any
	}{
		{"unknown field", exprs(exact("nope", 1))},
		{"unknown nested field", exprs(expr("or", "sub_expressions", []any{exact("pk", 1), exact("framework__nope", 1)}))},
		{"text for pk", exprs(exact("pk", "abc"))},
		{"text for bool", exprs(exact("cpu", "true"))},
		{"text for decimal", exprs(exact("cuda_version__version", "x"))},
		{"order unknown field", orderBy(map[string]any{"field": "nope"})},
		{"order dotted field", orderBy(map[string]any{"field": "framework.name"})},
		{"top level string", `"x"`},
		{"top level null", "null"},
		{"top level number", "5"},
		{"not pairs", []any{1}},
	} {
		st, b := h.do("POST", "/v1/docker/list", h.user, c.filter)
		if st != 500 || string(b) != serverErrorPage {
			t.Errorf("%s: %d %s", c.name, st, b)
		}
	}
	h.expect("POST", "/v1/docker/list", h.user, []any{}, 200, nil) // dict([]) is {}
	b := h.expect("POST", "/v1/docker/list", h.user, `{"expressions": [}`, 400, nil)
	assertJSON(t, b, detailBody("JSON parse error - Expecting value: line 1 column 18 (char 17)"))
}

// The official clients send list requests without any body or content type.
func TestListBodyForms(t *testing.T) {
	h := filterHarness(t)
	for _, c := range []struct {
		body   any
		ctype  string
		status int
	}{
		{nil, "", 200},
		{"", "", 200},
		{"  \n", "application/json", 400}, // not empty: parsed, and not JSON
		{"{}", "application/json; charset=utf-8", 200},
		{"{}", "application/vnd.api+json", 415}, // DRF matches the media type exactly
		{"{}", "text/plain", 415},
		{"{}", "", 415}, // a body without a content type
		{"", "application/x-www-form-urlencoded", 200},
		{"a=b", "application/x-www-form-urlencoded", 400}, // a form, whose keys the schema refuses
	} {
		st, b, _ := h.doHeaders("POST", "/v1/docker/list", h.user, c.body, map[string]string{"Content-Type": c.ctype})
		if st != c.status {
			t.Errorf("body %q type %q: %d %s", c.body, c.ctype, st, b)
		}
		if st == 415 {
			assertJSON(t, b, detailBody(fmt.Sprintf("Unsupported media type %q in request.", c.ctype)))
		}
	}
}

func TestFilterLookupTables(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.listPKs("/v1/cuda/list", map[string]any{
		"expressions": []any{expr("compare", "field", "version", "operator", ">=", "value", 11.5)},
		"order_by":    []any{map[string]any{"field": "version"}}})
	if want := []int{6, 5, 4, 3, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("cuda >= 11.5: %v", got)
	}
	got = h.listPKs("/v1/hardware/list", exprs(expr("compare", "field", "max_compute_capability", "operator", "<=", "value", 6)))
	if want := []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("hardware: %v", got)
	}
	got = h.listPKs("/v1/job-contracts/list", orderBy(map[string]any{"field": "name"}))
	if want := []int{3, 1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("job contracts by name: %v", got)
	}
	got = h.listPKs("/v1/frameworks/list", exprs(exact("name", "yolo"), exact("version", "v7")))
	if want := []int{12}; !reflect.DeepEqual(got, want) {
		t.Errorf("framework yolo v7: %v", got)
	}
	got = h.listPKs("/v1/licenses/list", exprs(expr("contains", "field", "url", "sub_string", "OPENSOURCE", "case_insensitive", true)))
	if len(got) != 9 {
		t.Errorf("licences at opensource.org: %v", got)
	}
	got = h.listPKs("/v1/licences/list", map[string]any{"expressions": []any{exact("domains__name", "Data")}, "order_by": []any{map[string]any{"field": "pk"}}})
	if want := []int{5, 6, 7}; !reflect.DeepEqual(got, want) {
		t.Errorf("licences for data: %v", got)
	}
	h.expect("POST", "/v1/domains/list", h.user, exprs(exact("description", "x", "invert", true)), 200, nil)
	h.expect("POST", "/v1/domains/list", h.user, exprs(exact("code", "od")), 500, nil)
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Object Detection", "DETECT", true},
		{"Object Detection", "", true},
		{"", "a", false},
		{"straße", "STRASSE", false}, // simple folding only, as PostgreSQL's UPPER
		{"ÄÖÜ", "öü", true},
		{"\xff\xfeab", "AB", true},
		{"abc", "abcd", false},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}
