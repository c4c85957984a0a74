// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The plan decisions of ufdl_dockerimage as tables, without Terraform: each is a function of
// the request (plan, state, configuration, private state), the server's tables and the plan
// book.

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
		{"configured, drifted on the server", func(_, st *dockerImageModel) { st.RegistryPassword = s(notStored) }, true, ""},
		{"not stored: the server keeps its own", func(p, st *dockerImageModel) { p.RegistryPassword, st.RegistryPassword = s(notStored), s(notStored) }, false, ""},
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
	image := func(pw types.String) dockerImageModel {
		m := modelFrom(sampleImage())
		m.RegistryPassword = pw
		return m
	}
	plan := image(null) // username "public"
	noUser := plan
	noUser.RegistryUsername = null
	wo := plan
	wo.RegistryPasswordWOVersion = types.Int64Value(1)
	for _, tc := range []struct {
		name string
		p    imagePlan
		held passwordDigest
		want types.String
	}{
		{"new image", imagePlan{plan: plan, creating: true, password: s("public")}, passwordDigest{}, s("public")},
		{"new image without one", imagePlan{plan: plan, creating: true, password: null}, passwordDigest{}, null},
		{"no username", imagePlan{plan: noUser, state: image(s("public")), password: null}, held, null},
		{"write-only", imagePlan{plan: wo, state: image(null), password: null}, passwordDigest{}, null},
		{"as in state", imagePlan{plan: plan, state: image(s("public")), password: s("public")}, held, s("public")},
		// An import: state does not store the server's password, which is the configured one.
		{"imported, server holds the configured one", imagePlan{plan: plan, state: image(s(notStored)), password: s("public")}, held, s(notStored)},
		{"imported, server holds another", imagePlan{plan: plan, state: image(s(notStored)), password: s("rotated")}, held, s("rotated")},
		{"imported, server's unknown", imagePlan{plan: plan, state: image(s(notStored)), password: s("public")}, passwordDigest{}, s("public")},
		{"server holds none", imagePlan{plan: plan, state: image(null), password: s("public")}, passwordDigest{}, s("public")},
		{"omitted: the server keeps its own", imagePlan{plan: plan, state: image(s("public")), password: null}, held, s(notStored)},
		{"omitted, write-only before", imagePlan{plan: plan, state: wo, password: null}, passwordDigest{}, s(notStored)},
		{"omitted, the server holds none", imagePlan{plan: plan, state: image(null), password: null}, passwordDigest{}, null},
		{"unknown until apply", imagePlan{plan: plan, state: image(s(notStored)), password: types.StringUnknown()}, held, types.StringUnknown()},
	} {
		if got := plannedPassword(tc.p, tc.held); !got.Equal(tc.want) {
			t.Errorf("%s: planned %v, want %v", tc.name, got, tc.want)
		}
	}
}
