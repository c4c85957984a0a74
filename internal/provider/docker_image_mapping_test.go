// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

func testLookups() *client.Lookups {
	return &client.Lookups{
		Domains:             []client.Domain{{PK: 1, Name: "ic", Description: "Image Classification"}, {PK: 2, Name: "od", Description: "Object Detection"}},
		CUDAVersions:        []client.CUDAVersion{{PK: 10, Version: "11.1", FullVersion: "11.1.0", MinDriverVersion: "455.23.05"}, {PK: 21, Version: "0.0", FullVersion: "0.0"}},
		HardwareGenerations: []client.HardwareGeneration{{PK: 4, Generation: "Pascal", MinComputeCapability: 6, MaxComputeCapability: 7}},
		Licences:            []client.Licence{{PK: 9, Name: "GPL3"}, {PK: 2, Name: "Apache 2.0"}},
		JobContracts:        []client.JobContract{{PK: 1, Name: "Predict"}, {PK: 2, Name: "Train"}},
		Frameworks:          []client.Framework{{PK: 18, Name: "yolo", Version: "v7"}},
	}
}

func ptr(s string) *string { return &s }

func sampleImage() *client.Image {
	return &client.Image{
		PK: 7, Name: "yolo", Version: "v7", URL: "r.example.com:443/yolo:v7", RegistryURL: "r.example.com:443",
		RegistryUsername: ptr("public"), RegistryPassword: ptr("pw"),
		CUDAVersion: client.CUDAVersion{PK: 10, Version: "11.1", FullVersion: "11.1.0"},
		Framework:   client.Framework{PK: 18, Name: "yolo", Version: "v7"},
		Domain:      "Object Detection", Tasks: []string{"Train", "Predict"},
		MinHardwareGeneration: &client.HardwareGeneration{PK: 4, Generation: "Pascal"},
		CPU:                   false, Licence: "GPL3",
	}
}

func TestFlattenImageMapsResponseFormsToUserForms(t *testing.T) {
	var m dockerImageModel
	m.RegistryPasswordWOVersion = types.Int64Null()
	m.RegistryPassword = types.StringValue("pw") // as configured
	flattenImage(sampleImage(), testLookups(), &m)
	checks := map[string][2]string{
		"id":                 {m.ID.ValueString(), "7"},
		"cuda_version":       {m.CUDAVersion.ValueString(), "11.1"},
		"cuda_full_version":  {m.CUDAFullVersion.ValueString(), "11.1.0"},
		"domain":             {m.Domain.ValueString(), "od"},
		"domain_description": {m.DomainDescription.ValueString(), "Object Detection"},
		"min_hardware":       {m.MinHardwareGeneration.ValueString(), "Pascal"},
		"framework_name":     {m.FrameworkName.ValueString(), "yolo"},
		"registry_password":  {m.RegistryPassword.ValueString(), "pw"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if m.Framework.ValueInt64() != 18 || m.PK.ValueInt64() != 7 {
		t.Errorf("framework/pk = %v/%v", m.Framework, m.PK)
	}
	want := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Predict"), types.StringValue("Train")})
	if !m.Tasks.Equal(want) {
		t.Errorf("tasks = %v, want the set {Predict, Train} whatever the server's order", m.Tasks)
	}
}

func TestFlattenImageNullsAndWriteOnly(t *testing.T) {
	img := sampleImage()
	img.RegistryUsername, img.MinHardwareGeneration, img.Tasks, img.CPU = nil, nil, nil, true
	m := dockerImageModel{RegistryPasswordWOVersion: types.Int64Value(3)}
	flattenImage(img, testLookups(), &m)
	if !m.RegistryUsername.IsNull() || !m.MinHardwareGeneration.IsNull() {
		t.Errorf("null fields not null: %v %v", m.RegistryUsername, m.MinHardwareGeneration)
	}
	if !m.RegistryPassword.IsNull() || !m.RegistryPasswordWO.IsNull() || m.RegistryPasswordWOVersion.ValueInt64() != 3 {
		t.Errorf("write-only in use: the echoed password must not reach state: %v %v %v", m.RegistryPassword, m.RegistryPasswordWO, m.RegistryPasswordWOVersion)
	}
	if m.Tasks.IsNull() || len(m.Tasks.Elements()) != 0 {
		t.Errorf("no tasks must be an empty set, got %v", m.Tasks)
	}
}

// TestFlattenImageKeepsSecretsOutOfState: the registry password the server echoes reaches
// the model only where the model holds the same one (the configured value); any other is
// notStored, never the secret.
func TestFlattenImageKeepsSecretsOutOfState(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured types.String
		want       types.String
	}{
		{"not configured", types.StringNull(), types.StringValue(notStored)},
		{"configured, as on the server", types.StringValue("pw"), types.StringValue("pw")},
		{"configured, changed on the server", types.StringValue("old-pw"), types.StringValue(notStored)},
	} {
		m := dockerImageModel{RegistryPasswordWOVersion: types.Int64Null(), RegistryPassword: tc.configured}
		flattenImage(sampleImage(), testLookups(), &m)
		if !m.RegistryPassword.Equal(tc.want) {
			t.Errorf("%s: registry_password %v, want %v", tc.name, m.RegistryPassword, tc.want)
		}
	}
}

// TestFlattenImageIsTotal: mapping never fails, whatever the server answers. The domain's
// code comes from the model when its description is unchanged (no table needed), else from
// the table, else the description stands in for it (the plan then shows the difference).
func TestFlattenImageIsTotal(t *testing.T) {
	img := sampleImage()
	m := dockerImageModel{Domain: types.StringValue("od"), DomainDescription: types.StringValue("Object Detection")}
	if needsDomainTable(img, m) {
		t.Error("an unchanged domain needs no table")
	}
	flattenImage(img, nil, &m)
	if m.Domain.ValueString() != "od" {
		t.Errorf("unchanged domain without a table: %v", m.Domain)
	}
	img.Domain = "Image Classification"
	if !needsDomainTable(img, m) {
		t.Error("a changed domain needs the table")
	}
	flattenImage(img, testLookups(), &m)
	if m.Domain.ValueString() != "ic" || m.DomainDescription.ValueString() != "Image Classification" {
		t.Errorf("changed domain: %v %v", m.Domain, m.DomainDescription)
	}
	img.Domain = "Telepathy"
	flattenImage(img, testLookups(), &m)
	if m.Domain.ValueString() != "Telepathy" || m.DomainDescription.ValueString() != "Telepathy" {
		t.Errorf("a domain the table lacks: %v %v", m.Domain, m.DomainDescription)
	}
}

func modelFrom(img *client.Image) dockerImageModel {
	var m dockerImageModel
	m.RegistryPasswordWOVersion = types.Int64Null()
	m.RegistryPassword = types.StringPointerValue(img.RegistryPassword) // as configured
	flattenImage(img, testLookups(), &m)
	return m
}

func TestImageSpecFromModelRoundTrip(t *testing.T) {
	m := modelFrom(sampleImage())
	spec := imageSpecFromModel(m, types.StringNull())
	if spec.Domain != "od" || spec.CUDAVersion != "11.1" || spec.Framework != 18 || *spec.MinHardwareGeneration != "Pascal" {
		t.Errorf("spec not in request form: %+v", spec)
	}
	if !slices.Equal(spec.Tasks, []string{"Predict", "Train"}) || *spec.RegistryPassword != "pw" {
		t.Errorf("spec tasks/password: %v %v", spec.Tasks, spec.RegistryPassword)
	}
	spec = imageSpecFromModel(m, types.StringValue("write-only"))
	if *spec.RegistryPassword != "write-only" {
		t.Errorf("write-only password must win, got %q", *spec.RegistryPassword)
	}
}

func TestChangedFields(t *testing.T) {
	state := modelFrom(sampleImage())
	plan := state
	if got := changedFields(plan, state); len(got) != 0 {
		t.Errorf("no change, got %v", got)
	}
	plan.URL = types.StringValue("other.example.com/x:1")
	plan.Tasks = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Train"), types.StringValue("Predict")})
	if got := changedFields(plan, state); !slices.Equal(got, []string{"url"}) {
		t.Errorf("url change (tasks only reordered), got %v", got)
	}
	plan = state
	plan.RegistryPasswordWOVersion = types.Int64Value(2)
	plan.MinHardwareGeneration = types.StringNull()
	if got := changedFields(plan, state); !slices.Equal(got, []string{"registry_password", "min_hardware_generation"}) {
		t.Errorf("wo version bump and generation cleared, got %v", got)
	}
}

func TestImageLookupChecks(t *testing.T) {
	lk := testLookups()
	check := func(p imagePlan) string {
		var details []string
		for _, c := range imageLookupChecks(p) {
			if !c.found(lk) {
				d := unknownLookup(c.path, c.kind, c.what, lk, nil)
				details = append(details, d.Summary()+": "+d.Detail())
			}
		}
		return strings.Join(details, "\n")
	}
	valid := modelFrom(sampleImage())
	if text := check(imagePlan{plan: valid, creating: true}); text != "" {
		t.Fatalf("valid model has problems:\n%s", text)
	}
	bad := valid
	bad.Domain = types.StringValue("xx")
	bad.Licence = types.StringValue("WTFPL")
	bad.Tasks = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Train"), types.StringValue("Dance")})
	bad.CUDAVersion = cudaVersionValue{StringValue: types.StringUnknown()}
	text := check(imagePlan{plan: bad, creating: true, framework: frameworkConfig{pk: types.Int64Value(99), name: types.StringNull(), version: types.StringNull()}})
	for _, want := range []string{
		`Unknown Domain: The server has no domain "xx". Use one of: ic (Image Classification), od (Object Detection).`,
		`Unknown Licence: The server has no licence "WTFPL". Use one of: "Apache 2.0", "GPL3"; or create it first`,
		`Unknown Job Contract: The server has no job contract "Dance". Use one of: Predict, Train; or create it first`,
		`Unknown Framework: The server has no framework 99. Use one of: 18 (yolo v7); or create it first`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n") + 1; n != 4 {
		t.Errorf("want 4 problems (an unknown cuda_version is not checked), got %d:\n%s", n, text)
	}
	// A framework written by name is checked by name, and the choices are names.
	named := check(imagePlan{plan: valid, creating: true, framework: frameworkConfig{pk: types.Int64Null(), name: types.StringValue("yolo"), version: types.StringValue("v9")}})
	if want := `Unknown Framework: The server has no framework named "yolo" with version "v9". Use one of: yolo v7; or create it first`; !strings.Contains(named, want) {
		t.Errorf("framework by name: %s", named)
	}
	// An update checks only what changed: the server accepted the rest.
	same := frameworkConfig{pk: valid.Framework, name: types.StringNull(), version: types.StringNull()}
	if got := imageLookupChecks(imagePlan{plan: valid, state: valid, framework: same}); len(got) != 0 {
		t.Errorf("unchanged image: %d checks, want none", len(got))
	}
	moved := valid
	moved.Licence = types.StringValue("Apache 2.0")
	moved.Tasks = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Train"), types.StringValue("Export")})
	var checked []string
	for _, c := range imageLookupChecks(imagePlan{plan: moved, state: valid, framework: same}) {
		checked = append(checked, c.path.String()+"="+c.what)
	}
	if want := []string{`licence="Apache 2.0"`, `tasks="Export"`}; !slices.Equal(checked, want) {
		t.Errorf("update checks %v, want %v", checked, want)
	}
}
