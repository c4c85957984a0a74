// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// Profiles are the reference server's profiles with the mode each is held to.
var Profiles = []struct {
	Profile refserver.Profile
	Mode    Mode
}{
	{refserver.ProfileUFDLBackend, AsReal},
	{refserver.ProfileDocumented, AsDocumented},
}

// RunRefserver runs the cases against a fresh in-process reference server
// (the 23 sample images loaded, as a new deployment has them) on a loopback
// port.
func RunRefserver(ctx context.Context, profile refserver.Profile, cases []*Case) ([]Result, error) {
	srv, err := refserver.New(refserver.Options{Samples: true, Profile: profile})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	au, ap, uu, up := srv.Credentials()
	t := Target{URL: ts.URL, AdminUser: au, AdminPassword: ap, User: uu, Password: up, Client: ts.Client()}
	// An expired token is one issued with a lifetime of zero.
	t.Expired = func() (string, error) {
		srv.SetAccessLifetime(0)
		defer srv.SetAccessLifetime(5 * time.Minute)
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, au, ap)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/v1/auth/obtain", strings.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var tok struct{ Access string }
		if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Access == "" {
			return "", fmt.Errorf("expired token: status %d", resp.StatusCode)
		}
		return tok.Access, nil
	}
	return Run(ctx, t, cases)
}
