// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"maps"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestUnreadLogLevels(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_UFDL": "OFF"}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		debug bool
		want  map[string]string
	}{
		{"nothing set: Terraform drops every line", nil, false, off},
		{"TF_LOG_PATH alone enables nothing", map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}, false, off},
		{"blank TF_LOG is unset", map[string]string{"TF_LOG": "  "}, false, off},
		{"TF_LOG set", map[string]string{"TF_LOG": "DEBUG"}, false, nil},
		{"TF_LOG=JSON", map[string]string{"TF_LOG": "JSON"}, false, nil},
		{"TF_LOG_PROVIDER set", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, false, nil},
		{"debug mode writes to the terminal", nil, true, nil},
		{"explicit SDK level kept", map[string]string{"TF_LOG_SDK": "WARN"}, false, map[string]string{"TF_LOG_PROVIDER_UFDL": "OFF"}},
		{"explicit provider level kept", map[string]string{"TF_LOG_PROVIDER_UFDL": "INFO"}, false, map[string]string{"TF_LOG_SDK": "OFF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := UnreadLogLevels(func(k string) string { return tc.env[k] }, tc.debug)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !maps.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The SDKs parse these values with hclog; "OFF" must mean off, not the default (TRACE).
func TestUnreadLogLevelsParseAsOff(t *testing.T) {
	for name, v := range UnreadLogLevels(func(string) string { return "" }, false) {
		if got := hclog.LevelFromString(v); got != hclog.Off {
			t.Errorf("%s=%s parses as %v, want Off", name, v, got)
		}
	}
}
