// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogsMaskSecrets(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	ctx = maskSecrets(ctx, "hunter2-provider")

	a := tflogAdapter{secrets: []string{"hunter2-provider"}}
	a.Debug(ctx, "request", map[string]any{
		"authorization":     "Bearer eyJhbGciOiJIUzI1NiJ9.x.y",
		"registry_password": "reg-pw-1",
		"password":          "hunter2-provider",
		"path":              "/v1/docker/create",
	})
	a.Warn(ctx, "login as admin with hunter2-provider failed", map[string]any{"access": "eyJaccess", "refresh": "eyJrefresh"})
	a.Info(ctx, "note", map[string]any{"detail": "contains hunter2-provider inline"})
	a.Error(ctx, "boom", nil)

	out := buf.String()
	for _, secret := range []string{"hunter2-provider", "reg-pw-1", "eyJ", "Bearer"} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"/v1/docker/create", `"@module":"provider.ufdl_api"`, "boom"} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %q (masking must not swallow ordinary fields):\n%s", want, out)
		}
	}
}
