// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

func TestLoginErrorNeverPointsAtThePassword(t *testing.T) {
	s := settings{client: client.Config{Host: "http://h", Username: "admin", Password: " hunter2 "}}
	var diags diag.Diagnostics
	addLoginError(&diags, s, &client.LoginError{User: "admin", Detail: "No active account found with the given credentials."})
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %v", diags)
	}
	// An attribute error would make Terraform print the password's source line.
	if _, ok := diags[0].(diag.DiagnosticWithPath); ok {
		t.Errorf("login error is attached to an attribute: %v", diags[0])
	}
	d := diags[0].Detail()
	for _, want := range []string{`refused to log in user "admin": No active account found with the given credentials. Check`, "begins or ends with white space"} {
		if !strings.Contains(d, want) {
			t.Errorf("detail %q lacks %q", d, want)
		}
	}
	if strings.Contains(d, "hunter2") || strings.Contains(d, "..") {
		t.Errorf("detail %q shows the password or a doubled period", d)
	}
}

func TestLoginErrorOtherCausesNameTheHost(t *testing.T) {
	var diags diag.Diagnostics
	addLoginError(&diags, settings{client: client.Config{Host: "http://h/api", Username: "admin"}}, errors.New("POST /v1/auth/obtain: 404 Not Found: Not found."))
	d := diags[0].Detail()
	if strings.Contains(d, "..") || !strings.Contains(d, "Check that host (UFDL_HOST) is the address of the UFDL server itself.") {
		t.Errorf("detail %q", d)
	}
}
