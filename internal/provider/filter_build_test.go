// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// unknown stands for a value only known after apply in test configurations.
type unknownValue struct{}

var unknown = unknownValue{}

// block is a test configuration written like HCL: attributes and blocks by name. Absent
// blocks and attributes are null; a list block is a []block.
type block = map[string]any

func dockerImagesSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp datasource.SchemaResponse
	NewDockerImagesDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// configValue builds the Terraform value of v for type typ, as Terraform sends it.
func configValue(t *testing.T, where string, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if v == unknown {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch typ := typ.(type) {
	case tftypes.Object:
		m, ok := v.(block)
		if !ok {
			t.Fatalf("%s: want a block, got %T", where, v)
		}
		for k := range m {
			if _, ok := typ.AttributeTypes[k]; !ok {
				t.Fatalf("%s: the schema has no %q", where, k)
			}
		}
		vals := map[string]tftypes.Value{}
		for k, at := range typ.AttributeTypes {
			vals[k] = configValue(t, where+"."+k, at, m[k])
		}
		return tftypes.NewValue(typ, vals)
	case tftypes.List:
		items, ok := v.([]block)
		if !ok {
			t.Fatalf("%s: want []block, got %T", where, v)
		}
		vals := make([]tftypes.Value, len(items))
		for i, it := range items {
			vals[i] = configValue(t, where, typ.ElementType, it)
		}
		return tftypes.NewValue(typ, vals)
	}
	switch x := v.(type) {
	case int:
		return tftypes.NewValue(typ, big.NewFloat(float64(x)))
	default:
		return tftypes.NewValue(typ, x)
	}
}

func dockerImagesConfig(t *testing.T, cfg block) tfsdk.Config {
	t.Helper()
	s := dockerImagesSchema(t)
	return tfsdk.Config{Schema: s, Raw: configValue(t, "config", s.Type().TerraformType(context.Background()), cfg)}
}

// buildWithDiags reads cfg as the data source does and builds its filter, with the
// diagnostics of the build.
func buildWithDiags(t *testing.T, cfg block) (*client.Filter, bool, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	var m dockerImagesModel
	if diags := dockerImagesConfig(t, cfg).Get(ctx, &m); diags.HasError() {
		t.Fatalf("reading the configuration: %v", diags)
	}
	return buildDockerImagesFilter(ctx, m.dockerImagesQuery)
}

// buildFromConfig is buildWithDiags with the errors as "summary: detail".
func buildFromConfig(t *testing.T, cfg block) (*client.Filter, bool, []string) {
	t.Helper()
	f, complete, diags := buildWithDiags(t, cfg)
	return f, complete, diagTexts(diags.Errors())
}

// diagTexts returns each diagnostic as "summary: detail".
func diagTexts(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return b.String()
}

// exact is an exact block on field and value, plus the arguments in extra.
func exact(field, value string, extra ...block) block {
	b := block{"field": field, "value": value}
	for _, e := range extra {
		maps.Copy(b, e)
	}
	return b
}

// TestBuildDockerImagesFilterJSON checks the body of the list call for each construct
// against the JSON of filtering.md.
func TestBuildDockerImagesFilterJSON(t *testing.T) {
	cases := []struct {
		name string
		cfg  block
		want string // "" means no body at all
	}{
		{name: "nothing: the whole catalog by pk", cfg: block{}, want: `{"expressions":[],"order_by":[{"field":"pk","ascending":true}]}`},
		{
			name: "shortcuts in schema order, typed",
			cfg:  block{"licence": "GPL3", "task": "Train", "framework": 18, "cpu": false, "domain": "od", "version": "v7", "name": "yolo"},
			want: `{"expressions":[
				{"type":"exact","field":"name","value":"yolo"},
				{"type":"exact","field":"version","value":"v7"},
				{"type":"exact","field":"domain__name","value":"od"},
				{"type":"exact","field":"cpu","value":false},
				{"type":"exact","field":"framework","value":18},
				{"type":"exact","field":"tasks__name","value":"Train"},
				{"type":"exact","field":"licence__name","value":"GPL3"}],"order_by":[{"field":"pk","ascending":true}]}`,
		},
		{
			name: "exact converts value to the field's type",
			cfg: block{"filter": []block{
				{"exact": exact("name", "YOLO", block{"case_insensitive": true, "invert": true})},
				{"exact": exact("cpu", "true")},
				{"exact": exact("pk", "5")},
				{"exact": exact("min_hardware_generation", "4", block{"invert": false})},
				{"exact": exact("cuda_version__version", "11.1")},
				{"exact": exact("name", "", block{"case_insensitive": false})},
			}},
			want: `{"expressions":[
				{"type":"exact","field":"name","value":"YOLO","case_insensitive":true,"invert":true},
				{"type":"exact","field":"cpu","value":true},
				{"type":"exact","field":"pk","value":5},
				{"type":"exact","field":"min_hardware_generation","value":4},
				{"type":"exact","field":"cuda_version__version","value":"11.1"},
				{"type":"exact","field":"name","value":""}],"order_by":[{"field":"pk","ascending":true}]}`,
		},
		{
			name: "contains, isnull, compare",
			cfg: block{"filter": []block{
				{"contains": block{"field": "url", "sub_string": "cuda11", "case_insensitive": true, "invert": true}},
				{"isnull": block{"field": "min_hardware_generation", "invert": true}},
				{"isnull": block{"field": "registry_username"}},
				{"compare": block{"field": "cuda_version__version", "operator": ">=", "value": "11.0"}},
				{"compare": block{"field": "pk", "operator": "<", "value": "20", "invert": true}},
				{"compare": block{"field": "name", "operator": ">", "value": "yolact"}},
			}},
			want: `{"expressions":[
				{"type":"contains","field":"url","sub_string":"cuda11","case_insensitive":true,"invert":true},
				{"type":"isnull","field":"min_hardware_generation","invert":true},
				{"type":"isnull","field":"registry_username"},
				{"type":"compare","field":"cuda_version__version","operator":">=","value":"11.0"},
				{"type":"compare","field":"pk","operator":"<","value":20,"invert":true},
				{"type":"compare","field":"name","operator":">","value":"yolact"}],"order_by":[{"field":"pk","ascending":true}]}`,
		},
		{
			name: "and, and or holding leaves and ands, kind by kind",
			cfg: block{"filter": []block{
				{"and": block{
					"compare":  []block{{"field": "cuda_version__version", "operator": ">", "value": "11.0"}},
					"contains": []block{{"field": "name", "sub_string": "mm"}},
				}},
				{"or": block{
					"and": []block{
						{"exact": []block{exact("domain__name", "sp")}, "isnull": []block{{"field": "min_hardware_generation", "invert": true}}},
						{"exact": []block{exact("name", "robert", block{"case_insensitive": true}), exact("pk", "2")}},
					},
					"exact": []block{exact("name", "yolact"), exact("tasks__name", "Export")},
				}},
			}},
			want: `{"expressions":[
				{"type":"and","sub_expressions":[
					{"type":"contains","field":"name","sub_string":"mm"},
					{"type":"compare","field":"cuda_version__version","operator":">","value":"11.0"}]},
				{"type":"or","sub_expressions":[
					{"type":"exact","field":"name","value":"yolact"},
					{"type":"exact","field":"tasks__name","value":"Export"},
					{"type":"and","sub_expressions":[
						{"type":"exact","field":"domain__name","value":"sp"},
						{"type":"isnull","field":"min_hardware_generation","invert":true}]},
					{"type":"and","sub_expressions":[
						{"type":"exact","field":"name","value":"robert","case_insensitive":true},
						{"type":"exact","field":"pk","value":2}]}]}],"order_by":[{"field":"pk","ascending":true}]}`,
		},
		{
			name: "order_by: ascending by default, nulls_first only when written",
			cfg: block{"order_by": []block{
				{"field": "min_hardware_generation__generation"},
				{"field": "version", "ascending": false, "nulls_first": false},
				{"field": "pk", "ascending": true, "nulls_first": true},
			}},
			want: `{"expressions":[],"order_by":[
				{"field":"min_hardware_generation__generation","ascending":true},
				{"field":"version","ascending":false,"nulls_first":false},
				{"field":"pk","ascending":true,"nulls_first":true}]}`,
		},
		{
			name: "shortcuts come before the filter blocks",
			cfg: block{
				"cpu":      true,
				"filter":   []block{{"contains": block{"field": "version", "sub_string": "cpu", "invert": true}}},
				"order_by": []block{{"field": "name", "ascending": false}},
			},
			want: `{"expressions":[
				{"type":"exact","field":"cpu","value":true},
				{"type":"contains","field":"version","sub_string":"cpu","invert":true}],
				"order_by":[{"field":"name","ascending":false},{"field":"pk","ascending":true}]}`,
		},
		{
			name: "an or or and of one expression is that expression",
			cfg: block{"filter": []block{
				{"or": block{"exact": []block{{"field": "name", "value": "yolact"}}}},
				{"and": block{"isnull": []block{{"field": "registry_username", "invert": true}}}},
				{"or": block{
					"exact": []block{{"field": "cpu", "value": "true"}},
					"and":   []block{{"compare": []block{{"field": "pk", "operator": ">", "value": "3"}}}},
				}},
			}},
			want: `{"expressions":[
				{"type":"exact","field":"name","value":"yolact"},
				{"type":"isnull","field":"registry_username","invert":true},
				{"type":"or","sub_expressions":[
					{"type":"exact","field":"cpu","value":true},
					{"type":"compare","field":"pk","operator":">","value":3}]}],
				"order_by":[{"field":"pk","ascending":true}]}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, complete, errs := buildFromConfig(t, c.cfg)
			if len(errs) > 0 || !complete {
				t.Fatalf("complete=%v, errors: %v", complete, errs)
			}
			// Encoded as the client sends it: without HTML escapes of < and >.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(f); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSpace(buf.String())
			if want := compactJSON(t, c.want); got != want {
				t.Errorf("filter JSON\n got %s\nwant %s", got, want)
			}
			if p := client.SchemaProblem([]byte(got)); p != "" {
				t.Errorf("the real backend's filter schema refuses %s: %s", got, p)
			}
		})
	}
}

// TestBuildDockerImagesFilterErrors checks that each mistake is reported once, at the block
// it is in, saying what to write.
func TestBuildDockerImagesFilterErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  block
		want []string // one entry per expected error: fragments of "Summary: Detail"
	}{
		{
			name: "unknown field lists the fields",
			cfg:  block{"filter": []block{{"exact": exact("title", "yolo")}}},
			want: []string{`Unknown Filter Field: filter[0].exact: "title" is not a docker image field the server filters on. Write one of: cpu, cuda_version, cuda_version__full_version, cuda_version__version, domain,`},
		},
		{
			name: "boolean value",
			cfg:  block{"filter": []block{{"exact": exact("cpu", "yes")}}},
			want: []string{`Invalid Filter Value: filter[0].exact: value "yes" does not fit field "cpu", which holds true or false. Write e.g. value = true.`},
		},
		{
			name: "whole number value, and the related name for a foreign key",
			cfg: block{"filter": []block{
				{"exact": exact("pk", "1.5")},
				{"compare": block{"field": "framework", "operator": "<", "value": "yolo"}},
			}},
			want: []string{
				`Invalid Filter Value: filter[0].exact: value "1.5" does not fit field "pk", which holds a whole number. Write e.g. value = 18.`,
				`Invalid Filter Value: filter[1].compare: value "yolo" does not fit field "framework", which holds a primary key (a whole number; to match by name use framework__name).`,
			},
		},
		{
			name: "CUDA version must be a number",
			cfg:  block{"filter": []block{{"compare": block{"field": "cuda_version__version", "operator": ">=", "value": "eleven"}}}},
			want: []string{`Invalid Filter Value: filter[0].compare: value "eleven" does not fit field "cuda_version__version", which holds a number such as "11.1".`},
		},
		{
			name: "operator, deep in an or",
			cfg: block{"filter": []block{
				{"exact": exact("name", "yolo")},
				{"or": block{"and": []block{{"compare": []block{{"field": "pk", "operator": "==", "value": "3"}}}}}},
			}},
			want: []string{`Invalid Filter Operator: filter[1].or.and[0].compare[0]: operator "==" is not one of: <, >, <=, >=. Write e.g. operator = ">="; to test equality use an exact block.`},
		},
		{
			name: "no expression in a filter block",
			cfg:  block{"filter": []block{{}}},
			want: []string{`Empty Filter Block: filter[0] holds no expression. Write exactly one of: exact, contains, isnull, compare, and, or inside it`},
		},
		{
			name: "several expressions in a filter block",
			cfg:  block{"filter": []block{{"exact": exact("name", "yolo"), "isnull": block{"field": "pk"}, "or": block{"exact": []block{exact("pk", "1")}}}}},
			want: []string{`Several Expressions In One Filter Block: filter[0] holds exact and isnull and or blocks, but a filter block holds exactly one expression.`},
		},
		{
			name: "case_insensitive on non-text fields",
			cfg: block{"filter": []block{
				{"exact": exact("pk", "1", block{"case_insensitive": true})},
				{"and": block{"contains": []block{{"field": "name", "sub_string": "x"}}, "exact": []block{exact("cpu", "true", block{"case_insensitive": true})}}},
			}},
			want: []string{
				`Case-Insensitive Match On Non-Text Field: filter[0].exact: field "pk" holds a whole number, and case_insensitive applies to text fields only. Remove case_insensitive from this block.`,
				`Case-Insensitive Match On Non-Text Field: filter[1].and.exact[0]: field "cpu" holds true or false`,
			},
		},
		{
			name: "contains and compare need suitable fields",
			cfg: block{"filter": []block{
				{"contains": block{"field": "framework", "sub_string": "yolo"}},
				{"compare": block{"field": "cpu", "operator": "<", "value": "true"}},
			}},
			want: []string{
				`Contains On Non-Text Field: filter[0].contains: field "framework" holds a primary key (a whole number; to match by name use framework__name), and contains searches text only.`,
				`Compare On Boolean Field: filter[1].compare: field "cpu" is true or false and cannot be compared with < > <= >=. Use an exact block`,
			},
		},
		{
			name: "arguments missing from single blocks",
			cfg: block{"filter": []block{
				{"exact": block{"field": "name"}},
				{"contains": block{"sub_string": "x"}},
				{"compare": block{"field": "pk", "value": "1"}},
			}},
			want: []string{
				`Missing Filter Argument: filter[0].exact needs value, e.g. value = "yolo".`,
				`Missing Filter Argument: filter[1].contains needs field, e.g. field = "name".`,
				`Missing Filter Argument: filter[2].compare needs operator, e.g. operator = ">=".`,
			},
		},
		{
			name: "empty and / or",
			cfg: block{"filter": []block{
				{"and": block{}},
				{"or": block{"and": []block{{}}}},
			}},
			want: []string{
				`Empty Filter Block: filter[0].and holds no expression. An and block needs at least one expression inside it, one of: exact, contains, isnull, compare.`,
				`Empty Filter Block: filter[1].or.and[0] holds no expression.`,
			},
		},
		{
			name: "order_by fields",
			cfg:  block{"order_by": []block{{"field": "tasks__name"}, {"field": "created"}}},
			want: []string{
				`Unsortable Order Field: order_by[0]: images cannot be sorted by "tasks__name", as an image has several of them. Write one of: cpu,`,
				`Unknown Order Field: order_by[1]: "created" is not a docker image field the server sorts by.`,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, errs := buildFromConfig(t, c.cfg)
			if len(errs) != len(c.want) {
				t.Fatalf("want %d errors, got %d:\n%s", len(c.want), len(errs), strings.Join(errs, "\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(errs[i], w) {
					t.Errorf("error %d\n got %s\nwant it to contain %s", i, errs[i], w)
				}
			}
		})
	}
}

// TestValidateConfigReportsAttributePaths runs ValidateConfig as Terraform does and checks
// that errors point at the attribute at fault, so Terraform underlines the right line.
func TestValidateConfigReportsAttributePaths(t *testing.T) {
	cfg := dockerImagesConfig(t, block{"filter": []block{
		{"or": block{"and": []block{{"compare": []block{{"field": "pk", "operator": "!=", "value": "3"}}}}}},
		{"exact": exact("pk", "x")},
		{},
	}})
	var resp datasource.ValidateConfigResponse
	ds := &dockerImagesDataSource{}
	ds.ValidateConfig(context.Background(), datasource.ValidateConfigRequest{Config: cfg}, &resp)
	var got []string
	for _, d := range resp.Diagnostics.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			got = append(got, wp.Path().String())
		}
	}
	want := []string{"filter[0].or.and[0].compare[0].operator", "filter[1].exact.value", "filter[2]"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("error paths %v, want %v (diagnostics: %v)", got, want, resp.Diagnostics)
	}
}

// TestBuildDockerImagesFilterUnknown checks that values known only after apply are not
// reported at validation, and that the filter is marked incomplete.
func TestBuildDockerImagesFilterUnknown(t *testing.T) {
	cases := map[string]block{
		"field":          {"filter": []block{{"exact": block{"field": unknown, "value": "x"}}}},
		"value":          {"filter": []block{{"exact": block{"field": "pk", "value": unknown}}}},
		"operator":       {"filter": []block{{"compare": block{"field": "pk", "operator": unknown, "value": "1"}}}},
		"dynamic filter": {"filter": unknown},
		"dynamic leaves": {"filter": []block{{"and": block{"exact": unknown}}}},
		"single block":   {"filter": []block{{"exact": unknown}}},
		"shortcut":       {"name": unknown},
		"order_by":       {"order_by": []block{{"field": unknown}}},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			_, complete, errs := buildFromConfig(t, cfg)
			if complete || len(errs) > 0 {
				t.Errorf("complete=%v errors=%v; want incomplete without errors", complete, errs)
			}
		})
	}
}

// TestFilterFieldTableMatchesDescriptions checks that descriptions list the validator's fields.
func TestFilterFieldTableMatchesDescriptions(t *testing.T) {
	for _, f := range dockerImageFilterFields {
		if !strings.Contains(fieldDescription, "`"+f.name+"`") {
			t.Errorf("field description does not list %s", f.name)
		}
		if _, ok := lookupFilterField(f.name); !ok {
			t.Errorf("lookupFilterField(%q) fails", f.name)
		}
	}
	for _, op := range filterOperators {
		if !strings.Contains(leafDescription(kindCompare), "`"+op+"`") {
			t.Errorf("compare description does not list %s", op)
		}
	}
}

// nulls_first = false when descending is sent as written, with a warning: the real backend
// ignores it.
func TestBuildDockerImagesFilterWarnsOfIgnoredNullsLast(t *testing.T) {
	warnings := func(cfg block) []string {
		_, _, diags := buildWithDiags(t, cfg)
		return diagTexts(diags.Warnings())
	}
	got := warnings(block{"order_by": []block{{"field": "min_hardware_generation__generation", "ascending": false, "nulls_first": false}}})
	if len(got) != 1 || !strings.Contains(got[0], "Nulls Last Not Honoured By UFDL Backend: order_by[0]: nulls_first = false") {
		t.Errorf("warnings %q", got)
	}
	for _, cfg := range []block{
		{"order_by": []block{{"field": "version", "ascending": true, "nulls_first": false}}},
		{"order_by": []block{{"field": "version", "ascending": false, "nulls_first": true}}},
		{"order_by": []block{{"field": "version", "ascending": false}}},
	} {
		if got := warnings(cfg); len(got) != 0 {
			t.Errorf("%v: unexpected warnings %q", cfg, got)
		}
	}
}
