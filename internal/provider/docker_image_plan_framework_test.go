// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// TestPlanFramework is the decision table of planFramework: each way the framework can be
// written (pk, name and version, both), each side known or unknown at plan, found on the
// server, among the rows this plan creates, or nowhere. Whatever the case, a configured
// attribute keeps its configured value, known or not: Terraform stops with "planned value
// ... does not match config value" otherwise.
func TestPlanFramework(t *testing.T) {
	pk := types.Int64Value
	s := types.StringValue
	unknownPK, unknownS := types.Int64Unknown(), types.StringUnknown()
	nullPK, nullS := types.Int64Null(), types.StringNull()
	// yolo v7 is framework 18 on the server; fresh 1 is created by this plan (pk not known).
	book := newPlanBook()
	book.claim(frameworkKind.noun, frameworkKey("fresh", "1"), newOwner(), client.Framework{Name: "fresh", Version: "1"})
	state := dockerImageModel{Framework: pk(18), FrameworkName: s("yolo"), FrameworkVersion: s("v7")}

	cases := []struct {
		name     string
		existing bool // an image in state (yolo v7), else a new one
		config   frameworkConfig
		// want is the planned framework, name and version.
		want    [3]attr.Value
		wantErr string
	}{
		{name: "pk on the server", config: frameworkConfig{pk(18), nullS, nullS},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		{name: "pk unknown", config: frameworkConfig{unknownPK, nullS, nullS},
			want: [3]attr.Value{unknownPK, unknownS, unknownS}},
		{name: "pk nowhere (the lookup check reports it)", config: frameworkConfig{pk(99), nullS, nullS},
			want: [3]attr.Value{pk(99), unknownS, unknownS}},
		{name: "name on the server", config: frameworkConfig{nullPK, s("yolo"), s("v7")},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		{name: "name unknown", config: frameworkConfig{nullPK, unknownS, s("v7")},
			want: [3]attr.Value{unknownPK, unknownS, s("v7")}},
		{name: "version unknown", config: frameworkConfig{nullPK, s("yolo"), unknownS},
			want: [3]attr.Value{unknownPK, s("yolo"), unknownS}},
		{name: "name created by this plan", config: frameworkConfig{nullPK, s("fresh"), s("1")},
			want: [3]attr.Value{unknownPK, s("fresh"), s("1")}},
		{name: "name nowhere (the lookup check reports it)", config: frameworkConfig{nullPK, s("yolo"), s("v9")},
			want: [3]attr.Value{unknownPK, s("yolo"), s("v9")}},
		{name: "both, the same framework", config: frameworkConfig{pk(18), s("yolo"), s("v7")},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		{name: "both, pk unknown", config: frameworkConfig{unknownPK, s("yolo"), s("v7")},
			want: [3]attr.Value{unknownPK, s("yolo"), s("v7")}},
		{name: "both, name unknown", config: frameworkConfig{pk(18), unknownS, s("v7")},
			want: [3]attr.Value{pk(18), unknownS, s("v7")}},
		{name: "both, version unknown", config: frameworkConfig{pk(18), s("yolo"), unknownS},
			want: [3]attr.Value{pk(18), s("yolo"), unknownS}},
		{name: "both unknown", config: frameworkConfig{unknownPK, unknownS, unknownS},
			want: [3]attr.Value{unknownPK, unknownS, unknownS}},
		{name: "both, pk unknown, name created by this plan", config: frameworkConfig{unknownPK, s("fresh"), s("1")},
			want: [3]attr.Value{unknownPK, s("fresh"), s("1")}},
		{name: "both, two frameworks", config: frameworkConfig{pk(3), s("yolo"), s("v7")},
			wantErr: "framework = 3, but framework_name and framework_version name yolo v7, which is framework 18 on this server"},
		{name: "existing, as in state", existing: true, config: frameworkConfig{nullPK, s("yolo"), s("v7")},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		{name: "existing, both as in state", existing: true, config: frameworkConfig{pk(18), s("yolo"), s("v7")},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		// The name, as in state, says which framework it is: state's pk is planned, which
		// Terraform accepts for a configured value (the prior value); at apply a pk that
		// turns out another is "Framework Written Two Ways".
		{name: "existing, pk turns unknown", existing: true, config: frameworkConfig{unknownPK, s("yolo"), s("v7")},
			want: [3]attr.Value{pk(18), s("yolo"), s("v7")}},
		{name: "existing, name turns unknown", existing: true, config: frameworkConfig{pk(18), unknownS, s("v7")},
			want: [3]attr.Value{pk(18), unknownS, s("v7")}},
		{name: "existing, changed to a framework of this plan", existing: true, config: frameworkConfig{nullPK, s("fresh"), s("1")},
			want: [3]attr.Value{unknownPK, s("fresh"), s("1")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := imagePlan{creating: !tc.existing, framework: tc.config}
			if tc.existing {
				p.state = state
				p.plan = state // Terraform's proposal; planFramework replaces the three
			}
			diags := planFramework(&p, testLookups(), book)
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.wantErr) {
					t.Fatalf("diagnostics %v, want an error saying %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected error: %v", diags)
			}
			got := [3]attr.Value{p.plan.Framework, p.plan.FrameworkName, p.plan.FrameworkVersion}
			for i, attrName := range []string{"framework", "framework_name", "framework_version"} {
				if !got[i].Equal(tc.want[i]) {
					t.Errorf("%s planned %v, want %v", attrName, got[i], tc.want[i])
				}
			}
			// Terraform's own rule, checked for every case whatever the table says: a
			// configured value is planned as configured, or, for an existing image, as in state.
			prior := [3]attr.Value{nullPK, nullS, nullS}
			if tc.existing {
				prior = [3]attr.Value{state.Framework, state.FrameworkName, state.FrameworkVersion}
			}
			for i, configured := range []attr.Value{tc.config.pk, tc.config.name, tc.config.version} {
				if !configured.IsNull() && !got[i].Equal(configured) && (prior[i].IsNull() || !got[i].Equal(prior[i])) {
					t.Errorf("configured %v planned as %v: Terraform refuses such a plan", configured, got[i])
				}
			}
		})
	}
}

// TestUnknownLookupListsWhatThePlanCreates: the choices of a typo name the rows this plan
// creates, written as the server's are, and not the rows the plan merely keeps (the plan
// book holds the keys of both).
func TestUnknownLookupListsWhatThePlanCreates(t *testing.T) {
	lk := testLookups()
	d := unknownLookup(path.Root("licence"), licenceKind, `"lic-x-v2"`, lk, []string{"lic-x", "GPL3"})
	want := `The server has no licence "lic-x-v2". Use one of: "Apache 2.0", "GPL3", or, created by this plan, "lic-x"; or create it first`
	if !strings.HasPrefix(d.Detail(), want) {
		t.Errorf("detail:\n%s\nwant it to begin with\n%s", d.Detail(), want)
	}
	d = unknownLookup(path.Root("cuda_version"), cudaKind, `"12.9"`, lk, []string{"11.1"})
	if strings.Contains(d.Detail(), "created by this plan") {
		t.Errorf("a CUDA version the server holds is listed as created by this plan:\n%s", d.Detail())
	}
}
