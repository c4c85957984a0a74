// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import "testing"

func TestRouteKey(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/auth/obtain":                              "/v1/auth/obtain",
		"/v1/docker/list":                              "/v1/docker/list",
		"/v1/docker/list/":                             "/v1/docker/list",
		"/v1/docker/create":                            "/v1/docker/create",
		"/v1/docker/12":                                "/v1/docker/{pk}",
		"/v1/docker/12/":                               "/v1/docker/{pk}",
		"/v1/cuda/list":                                "/v1/cuda/list",
		"/v1/frameworks/3":                             "/v1/frameworks/{pk}",
		"/v1/licenses/list":                            "/v1/licences/list",
		"/v1/licences/4/subdescriptors/":               "/v1/licences/{pk}/subdescriptors",
		"/v1/hardware/get-hardware-generation/7.5":     "/v1/hardware/get-hardware-generation/{compute}",
		"/v1/hardware/get-hardware-generation/7":       "/v1/hardware/get-hardware-generation/{compute}",
		"/v1/hardware/get-hardware-generation/":        "/v1/hardware/get-hardware-generation",
		"/v1/job-contracts/2":                          "/v1/job-contracts/{pk}",
		"/v1/docker/99999999999999999999999999999999/": "/v1/docker/{pk}",
		"/v1/docker/x12":                               "/v1/docker/x12",
		// No route: the path keeps its own name.
		"/v1/docker/12/unknown": "/v1/docker/12/unknown",
		"/":                     "/",
	} {
		if got := RouteKey(path); got != want {
			t.Errorf("RouteKey(%q) = %q, want %q", path, got, want)
		}
	}
}
