package provider

import (
	"context"
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
	if diags := flattenImage(context.Background(), sampleImage(), testLookups(), &m); diags.HasError() {
		t.Fatal(diags)
	}
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
	if diags := flattenImage(context.Background(), img, testLookups(), &m); diags.HasError() {
		t.Fatal(diags)
	}
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

func TestFlattenImageUnknownDomain(t *testing.T) {
	img := sampleImage()
	img.Domain = "Telepathy"
	var m dockerImageModel
	diags := flattenImage(context.Background(), img, testLookups(), &m)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `domain "Telepathy", which is not the description of a domain of the server (one of: ic, od)`) {
		t.Errorf("want an unknown-domain error, got %v", diags)
	}
}

func modelFrom(img *client.Image) dockerImageModel {
	var m dockerImageModel
	m.RegistryPasswordWOVersion = types.Int64Null()
	_ = flattenImage(context.Background(), img, testLookups(), &m)
	return m
}

func TestImageSpecFromModelRoundTrip(t *testing.T) {
	m := modelFrom(sampleImage())
	spec, diags := imageSpecFromModel(context.Background(), m, types.StringNull())
	if diags.HasError() {
		t.Fatal(diags)
	}
	if spec.Domain != "od" || spec.CUDAVersion != "11.1" || spec.Framework != 18 || *spec.MinHardwareGeneration != "Pascal" {
		t.Errorf("spec not in request form: %+v", spec)
	}
	if !slices.Equal(spec.Tasks, []string{"Predict", "Train"}) || *spec.RegistryPassword != "pw" {
		t.Errorf("spec tasks/password: %v %v", spec.Tasks, spec.RegistryPassword)
	}
	spec, _ = imageSpecFromModel(context.Background(), m, types.StringValue("write-only"))
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
	check := func(plan, state dockerImageModel, creating bool) string {
		var details []string
		for _, c := range imageLookupChecks(plan, state, creating) {
			if !c.found(lk) {
				d := unknownLookup(c.path, c.kind, c.what, lk)
				details = append(details, d.Summary()+": "+d.Detail())
			}
		}
		return strings.Join(details, "\n")
	}
	valid := modelFrom(sampleImage())
	if text := check(valid, dockerImageModel{}, true); text != "" {
		t.Fatalf("valid model has problems:\n%s", text)
	}
	bad := valid
	bad.Domain = types.StringValue("xx")
	bad.Framework = types.Int64Value(99)
	bad.Licence = types.StringValue("WTFPL")
	bad.Tasks = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Train"), types.StringValue("Dance")})
	bad.CUDAVersion = types.StringUnknown()
	text := check(bad, dockerImageModel{}, true)
	for _, want := range []string{
		`Unknown Domain: The server has no domain "xx". Use one of: ic (Image Classification), od (Object Detection).`,
		`Unknown Licence: The server has no licence "WTFPL". Use one of: "Apache 2.0", "GPL3"; or add it on the server first.`,
		`Unknown Job Contract: The server has no job contract "Dance". Use one of: Predict, Train; or add it on the server first.`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	// The framework is resolved by planFramework, not checked here.
	if n := strings.Count(text, "\n") + 1; n != 3 {
		t.Errorf("want 3 problems (an unknown cuda_version is not checked), got %d:\n%s", n, text)
	}
	// An update checks only what changed: the server accepted the rest.
	if got := imageLookupChecks(valid, valid, false); len(got) != 0 {
		t.Errorf("unchanged image: %d checks, want none", len(got))
	}
	moved := valid
	moved.Licence = types.StringValue("Apache 2.0")
	moved.Tasks = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("Train"), types.StringValue("Export")})
	var checked []string
	for _, c := range imageLookupChecks(moved, valid, false) {
		checked = append(checked, c.path.String()+"="+c.what)
	}
	if want := []string{`licence="Apache 2.0"`, `tasks="Export"`}; !slices.Equal(checked, want) {
		t.Errorf("update checks %v, want %v", checked, want)
	}
}
