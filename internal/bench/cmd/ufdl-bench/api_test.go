// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestRemoveImages removes a run's images from a reference server that, as the real backend,
// keeps an image with tasks on DELETE; an image of another run stays.
func TestRemoveImages(t *testing.T) {
	ref, err := refserver.New(refserver.Options{AdminPassword: "pw", Profile: refserver.ProfileUFDLBackend})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(ref)
	defer hs.Close()
	api := newCatalogAPI(hs.URL, "admin", "pw")
	framework, err := api.frameworkPK("yolo", "v7")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bench-a-1-00000", "bench-a-1-00001", "bench-b-1-00000"} {
		body := map[string]any{
			"name": name, "version": "v1", "url": "registry.example.com:443/bench/" + name + ":v1",
			"registry_url": "registry.example.com:443", "cuda_version": "11.1", "framework": framework,
			"domain": "od", "tasks": []string{"Train"}, "min_hardware_generation": "Pascal", "licence": "MIT",
		}
		if err := api.call(http.MethodPost, "/v1/docker/create", body, nil); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := api.removeImages("bench-a-")
	if err != nil || removed != 2 {
		t.Fatalf("removeImages = %d, %v; want 2, nil", removed, err)
	}
	if left := ref.Images(); len(left) != 1 || left[0]["name"] != "bench-b-1-00000" {
		t.Errorf("left on the server: %v, want bench-b-1-00000 only", left)
	}
	if removed, err := api.removeImages("bench-a-"); err != nil || removed != 0 {
		t.Errorf("removeImages again = %d, %v; want 0, nil", removed, err)
	}
	if _, err := api.imagesNamed(""); err == nil {
		t.Error("imagesNamed with no prefix did not fail")
	}
}
