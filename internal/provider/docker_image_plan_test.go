package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The plan decisions of ufdl_dockerimage as tables, without Terraform: each is a function of
// the request (plan, state, configuration, private state), the server's tables and the plan
// book.

func fw(pk types.Int64, name, version types.String) frameworkConfig {
	return frameworkConfig{pk: pk, name: name, version: version}
}

var (
	nullName = types.StringNull()
	nullPK   = types.Int64Null()
)

func TestPlanFramework(t *testing.T) {
	lk := testLookups() // yolo v7 is framework 18
	book := newPlanBook()
	book.claim(frameworkKind.noun, frameworkKey("yolo", "v8"), "new 1", client.Framework{Name: "yolo", Version: "v8"})
	state := modelFrom(sampleImage())
	unknownS, unknownI := types.StringUnknown(), types.Int64Unknown()
	s := types.StringValue
	for _, tc := range []struct {
		name     string
		creating bool
		fw       frameworkConfig
		// the planned framework, framework_name and framework_version; "?" for unknown
		want    [3]string
		wantErr string
	}{
		{"by pk", true, fw(types.Int64Value(18), nullName, nullName), [3]string{"18", "yolo", "v7"}, ""},
		{"by name", true, fw(nullPK, s("yolo"), s("v7")), [3]string{"18", "yolo", "v7"}, ""},
		{"both ways, agreeing", true, fw(types.Int64Value(18), s("yolo"), s("v7")), [3]string{"18", "yolo", "v7"}, ""},
		{"both ways, disagreeing", true, fw(types.Int64Value(3), s("yolo"), s("v7")), [3]string{}, "Framework Written Two Ways"},
		{"pk unknown", true, fw(unknownI, nullName, nullName), [3]string{"?", "?", "?"}, ""},
		{"name unknown", true, fw(nullPK, unknownS, s("v7")), [3]string{"?", "?", "v7"}, ""},
		// A configured attribute keeps its configured value, known or not: the other side
		// follows at apply.
		{"pk known, name unknown", true, fw(types.Int64Value(18), unknownS, s("v7")), [3]string{"18", "?", "v7"}, ""},
		{"pk unknown, name known", true, fw(unknownI, s("yolo"), s("v7")), [3]string{"?", "yolo", "v7"}, ""},
		{"pk null, name known, version unknown", true, fw(nullPK, s("yolo"), unknownS), [3]string{"?", "yolo", "?"}, ""},
		// Created by this plan: its pk is known after apply.
		{"planned by another resource", true, fw(nullPK, s("yolo"), s("v8")), [3]string{"?", "yolo", "v8"}, ""},
		{"unchanged update", false, fw(types.Int64Value(18), nullName, nullName), [3]string{"18", "yolo", "v7"}, ""},
		{"update keeping the name, another pk", false, fw(types.Int64Value(3), s("yolo"), s("v7")), [3]string{}, "Framework Written Two Ways"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := imagePlan{plan: state, state: state, creating: tc.creating, framework: tc.fw}
			if tc.creating {
				p.state = dockerImageModel{}
			}
			diags := planFramework(&p, lk, book)
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Summary(), tc.wantErr) {
					t.Fatalf("want %q, got %v", tc.wantErr, diags)
				}
				return
			}
			if diags.HasError() {
				t.Fatal(diags)
			}
			show := func(known bool, v string) string {
				if !known {
					return "?"
				}
				return v
			}
			got := [3]string{
				show(!p.plan.Framework.IsUnknown(), p.plan.Framework.String()),
				show(!p.plan.FrameworkName.IsUnknown(), p.plan.FrameworkName.ValueString()),
				show(!p.plan.FrameworkVersion.IsUnknown(), p.plan.FrameworkVersion.ValueString()),
			}
			if got != tc.want {
				t.Errorf("planned %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPasswordChanged(t *testing.T) {
	s, null := types.StringValue, types.StringNull()
	base := modelFrom(sampleImage()) // username "public", password "pw"
	for _, tc := range []struct {
		name      string
		edit      func(plan, state *dockerImageModel)
		wantSent  bool
		rationale string
	}{
		{"unchanged", func(_, _ *dockerImageModel) {}, false, ""},
		{"configured, changed", func(p, _ *dockerImageModel) { p.RegistryPassword = s("new") }, true, ""},
		{"configured, drifted on the server (state null)", func(_, st *dockerImageModel) { st.RegistryPassword = null }, true, ""},
		{"omitted: the server keeps its own", func(p, _ *dockerImageModel) { p.RegistryPassword = null }, false, ""},
		{"username removed: both cleared", func(p, _ *dockerImageModel) { p.RegistryUsername, p.RegistryPassword = null, null }, true, ""},
		{"write-only version bumped", func(p, st *dockerImageModel) {
			p.RegistryPassword, st.RegistryPassword = null, null
			p.RegistryPasswordWOVersion, st.RegistryPasswordWOVersion = types.Int64Value(2), types.Int64Value(1)
		}, true, ""},
		{"write-only version kept", func(p, st *dockerImageModel) {
			p.RegistryPassword, st.RegistryPassword = null, null
			p.RegistryPasswordWOVersion, st.RegistryPasswordWOVersion = types.Int64Value(1), types.Int64Value(1)
		}, false, ""},
	} {
		plan, state := base, base
		tc.edit(&plan, &state)
		if got := passwordChanged(plan, state); got != tc.wantSent {
			t.Errorf("%s: sends the password %t, want %t", tc.name, got, tc.wantSent)
		}
	}
}

func TestServerPasswordWithoutTheServer(t *testing.T) {
	d := &providerData{registry: &registryCheck{registrySettings: registrySettings{mode: registryCheckOff}}}
	s, null := types.StringValue, types.StringNull()
	base := modelFrom(sampleImage())
	for _, tc := range []struct {
		name string
		p    imagePlan
		want types.String
	}{
		{"no username", imagePlan{plan: func() dockerImageModel { m := base; m.RegistryUsername = null; return m }(), password: s("x")}, null},
		{"write-only wins", imagePlan{plan: base, writeOnly: s("wo"), password: null}, s("wo")},
		{"configured", imagePlan{plan: base, writeOnly: null, password: s("pw")}, s("pw")},
		{"new image without one", imagePlan{plan: base, creating: true, writeOnly: null, password: null}, null},
		// The server keeps its own, which state does not hold: unknown, and no call to find
		// out while no registry check needs it.
		{"existing image, omitted", imagePlan{plan: base, state: base, writeOnly: null, password: null}, types.StringUnknown()},
	} {
		got, diags := d.serverPassword(context.Background(), tc.p)
		if diags.HasError() || !got.Equal(tc.want) {
			t.Errorf("%s: %v (%v), want %v", tc.name, got, diags, tc.want)
		}
	}
}

func TestClaimImageKey(t *testing.T) {
	d := &providerData{plans: newPlanBook()}
	s := types.StringValue
	img := func(name string) dockerImageModel {
		return dockerImageModel{Name: s(name), Version: s("v1")}
	}
	state := img("a")
	state.PK = types.Int64Value(7)
	// An existing image, and the create half of its replacement, claim under one owner.
	if diags := d.claimImageKey(imagePlan{plan: img("a"), state: state}); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := d.claimImageKey(imagePlan{plan: img("a"), creating: true, replaces: 7}); diags.HasError() {
		t.Errorf("the replacement of image 7 clashed with it: %v", diags)
	}
	// Another block planning the same (name, version) is refused, whichever comes first.
	diags := d.claimImageKey(imagePlan{plan: img("a"), creating: true})
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `also plans a docker image named "a" with version "v1" (docker image 7, being replaced)`) {
		t.Errorf("want a duplicate naming docker image 7, got %v", diags)
	}
	if diags := d.claimImageKey(imagePlan{plan: img("b"), creating: true}); diags.HasError() {
		t.Errorf("another name: %v", diags)
	}
	// Unknown names are claimed at apply, once known.
	if diags := d.claimImageKey(imagePlan{plan: dockerImageModel{Name: types.StringUnknown(), Version: s("v1")}, creating: true}); diags.HasError() {
		t.Errorf("unknown name: %v", diags)
	}
}

func TestPlannedPassword(t *testing.T) {
	s, null := types.StringValue, types.StringNull()
	held := digestPassword("public", "")
	if !held.matches("public") || held.matches("Public") || held.matches("") || (passwordDigest{}).matches("") {
		t.Fatal("digests do not tell passwords apart")
	}
	if again := digestPassword("public", ""); again.Hash == held.Hash {
		t.Error("two digests of one password share a salt: equal passwords would show in state")
	}
	withState := func(pw types.String) dockerImageModel {
		m := modelFrom(sampleImage())
		m.RegistryPassword = pw
		return m
	}
	for _, tc := range []struct {
		name string
		p    imagePlan
		held passwordDigest
		want types.String
	}{
		{"new image", imagePlan{creating: true, password: s("public")}, passwordDigest{}, s("public")},
		{"as in state", imagePlan{state: withState(s("public")), password: s("public")}, held, s("public")},
		// An import: state holds no password, the server holds the configured one.
		{"imported, server holds the configured one", imagePlan{state: withState(null), password: s("public")}, held, null},
		{"imported, server holds another", imagePlan{state: withState(null), password: s("rotated")}, held, s("rotated")},
		{"imported, server's unknown", imagePlan{state: withState(null), password: s("public")}, passwordDigest{}, s("public")},
		{"changed on the server (state null)", imagePlan{state: withState(null), password: s("public")}, digestPassword("other", ""), s("public")},
		{"omitted", imagePlan{state: withState(s("public")), password: null}, held, null},
		{"unknown until apply", imagePlan{state: withState(null), password: types.StringUnknown()}, held, types.StringUnknown()},
	} {
		if got := plannedPassword(tc.p, tc.held); !got.Equal(tc.want) {
			t.Errorf("%s: planned %v, want %v", tc.name, got, tc.want)
		}
	}
}
