// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRegistryCheckSettings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       string // "" for null
		env       map[string]string
		mode      string
		unchanged bool
		err       string
	}{
		{name: "default off", mode: "off"},
		{name: "from environment", env: map[string]string{envRegistryCheck: "error", envRegistryCheckUnchanged: "true"}, mode: "error", unchanged: true},
		{name: "configuration wins", cfg: "warn", env: map[string]string{envRegistryCheck: "error"}, mode: "warn"},
		{name: "bad environment", env: map[string]string{envRegistryCheck: "on"}, mode: "off",
			err: `registry_check (or UFDL_REGISTRY_CHECK) must be one of: off, warn, error; got "on"`},
		{name: "bad bool", env: map[string]string{envRegistryCheckUnchanged: "yes please"}, mode: "off",
			err: `UFDL_REGISTRY_CHECK_UNCHANGED (for registry_check_unchanged) must be true or false`},
	} {
		cfg := nullConfig()
		if tc.cfg != "" {
			cfg.RegistryCheck = types.StringValue(tc.cfg)
		}
		env := map[string]string{envHost: "http://h", envUsername: "u", envPassword: "p"}
		for k, v := range tc.env {
			env[k] = v
		}
		s, diags := resolveSettings(cfg, envFrom(env))
		if s.registry.mode != tc.mode || s.registry.unchanged != tc.unchanged {
			t.Errorf("%s: settings %+v", tc.name, s.registry)
		}
		switch {
		case tc.err == "" && diags.HasError():
			t.Errorf("%s: unexpected errors %v", tc.name, diags)
		case tc.err != "" && (!diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.err)):
			t.Errorf("%s: errors %v, want %q", tc.name, diags, tc.err)
		}
	}
}
