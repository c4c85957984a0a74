// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"fmt"
	"net/http"
	"testing"
)

func backendHarness(t *testing.T, opts Options) *harness {
	opts.Profile = ProfileUFDLBackend
	return newHarness(t, opts)
}

func TestBackendDeleteKeepsImageWithTasks(t *testing.T) {
	h := backendHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil) // still there
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"tasks": []string{}}, 200, nil)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, 404, nil)

	// A referenced image without tasks is kept too, always with 204.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "tasks", []string{}), 201, nil)
	h.srv.AddReference(2)
	h.expect("DELETE", "/v1/docker/2", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/2", h.admin, nil, 200, nil)
	h.srv.RemoveReference(2)
	h.expect("DELETE", "/v1/docker/2", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/2", h.admin, nil, 404, nil)
}

func TestBackendRefusesNullGeneration(t *testing.T) {
	h := backendHarness(t, Options{Samples: true})
	notNull := fieldErr("min_hardware_generation", msgNotNull)
	cpu := with(yoloBody(), "name", "cpu", "cpu", true, "min_hardware_generation", nil)
	h.expect("POST", "/v1/docker/create", h.admin, cpu, 400, notNull)
	h.expect("POST", "/v1/docker/create", h.admin, with(cpu, "min_hardware_generation", ""), 400, notNull)
	h.expect("POST", "/v1/docker/create", h.admin, without(cpu, "min_hardware_generation"), 400,
		fieldErr("min_hardware_generation", msgRequired))
	h.expect("PUT", "/v1/docker/3", h.admin, cpu, 400, notNull)
	h.expect("PATCH", "/v1/docker/3", h.admin, map[string]any{"min_hardware_generation": nil}, 400, notNull)

	// Images loaded like the backend's migrations (pk 3 is a CPU image) still
	// read back with null, a PATCH that leaves the generation alone works on
	// them, and turning one into a GPU image fails in the model (500).
	b := h.expect("GET", "/v1/docker/3", h.user, nil, 200, nil)
	if im := decode[map[string]any](t, b); im["cpu"] != true || im["min_hardware_generation"] != nil {
		t.Fatalf("sample 3: %s", b)
	}
	h.expect("PATCH", "/v1/docker/3", h.admin, map[string]any{"registry_password": "x"}, 200, nil)
	if st, b := h.do("PATCH", "/v1/docker/3", h.admin, map[string]any{"cpu": false}); st != 500 || string(b) != serverErrorPage {
		t.Fatalf("cpu=false on a null generation: %d %s", st, b)
	}
	h.expect("PATCH", "/v1/docker/3", h.admin, map[string]any{"min_hardware_generation": "Pascal"}, 200, nil)

	// The direct data hook behaves like the migrations (documented rules).
	if _, err := h.srv.CreateImage(cpu); err != nil {
		t.Fatalf("CreateImage with null generation in the ufdl-backend profile: %v", err)
	}
}

// Tasks come back in link order in both profiles: a new image's in
// job-contract pk order, and an update keeps the links it had first and adds
// the new ones after them.
func TestTaskLinkOrder(t *testing.T) {
	for _, p := range []Profile{ProfileUFDLBackend, ProfileDocumented} {
		h := newHarness(t, Options{Profile: p})
		tasks := func(b []byte) string { return fmt.Sprint(decode[map[string]any](t, b)["tasks"]) }
		b := h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "tasks", []string{"Export", "Train"}), 201, nil)
		if got := tasks(b); got != "[Train Export]" {
			t.Errorf("%s: created with %s", p, got)
		}
		b = h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"tasks": []string{"Export", "Predict", "Train"}}, 200, nil)
		if got := tasks(b); got != "[Train Export Predict]" {
			t.Errorf("%s: after adding Predict %s", p, got)
		}
		b = h.expect("PUT", "/v1/docker/1", h.admin, with(yoloBody(), "tasks", []string{"Predict", "Export"}), 200, nil)
		if got := tasks(b); got != "[Export Predict]" {
			t.Errorf("%s: after dropping Train %s", p, got)
		}
		img, _ := h.srv.Image(1)
		if got := fmt.Sprint(img["tasks"]); got != "[Export Predict]" {
			t.Errorf("%s: Image() tasks %s", p, got)
		}
	}
}

func TestBackendDuplicates(t *testing.T) {
	h := backendHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	_, b := h.do("POST", "/v1/docker/create", h.admin, yoloBody())
	want := `{"detail":"duplicate key value violates unique constraint \"unique_docker_images\"\n` +
		`DETAIL:  Key (name, version)=(yolo, v7_2022-10-08_cuda11.1) already exists.\n"}`
	if string(b) != want {
		t.Fatalf("duplicate create:\n got %s\nwant %s", b, want)
	}
	// The failed insert consumed pk 2.
	b = h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "other"), 201, nil)
	if pk := decode[map[string]any](t, b)["pk"]; pk != float64(3) {
		t.Fatalf("pk after failed create: %v", pk)
	}
	// A validation failure never reaches the database: no pk consumed.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "x", "licence", "nope"), 400, nil)
	b = h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "fourth"), 201, nil)
	if pk := decode[map[string]any](t, b)["pk"]; pk != float64(4) {
		t.Fatalf("pk after validation failure: %v", pk)
	}
}

// A method a view set does not map fails in the backend's permission lookup
// (500), before authentication unless the token is bad; a body that does not
// parse fails first of all. The token views are plain DRF views: 405. Both
// profiles answer so (the documentation says nothing else).
func TestUnmappedMethod(t *testing.T) {
	for _, p := range []Profile{ProfileUFDLBackend, ProfileDocumented} {
		h := newHarness(t, Options{Profile: p})
		for _, c := range [][2]string{{"GET", "/v1/docker/list"}, {"POST", "/v1/docker/1"}, {"GET", "/v1/docker/create"},
			{"DELETE", "/v1/cuda/list"}, {"GET", "/v1/licences/1/subdescriptors"}, {"OPTIONS", "/v1/cuda/1"}} {
			for _, tok := range []string{h.user, ""} {
				st, b := h.do(c[0], c[1], tok, nil)
				if st != 500 || string(b) != serverErrorPage {
					t.Errorf("%s: %s %s: %d %s", p, c[0], c[1], st, b)
				}
			}
		}
		h.expect("GET", "/v1/docker/list", "garbage", nil, 401, accessRefused(msgTokenBad))
		h.expect("GET", "/v1/docker/list", h.user, `{"x":`, 400, nil)
		st, b, hdr := h.doHeaders("GET", "/v1/auth/obtain", "", nil, nil)
		if st != http.StatusMethodNotAllowed || hdr.Get("Allow") != "POST, OPTIONS" {
			t.Errorf("%s: GET obtain: %d %s (Allow %q)", p, st, b, hdr.Get("Allow"))
		}
		assertJSON(t, b, detailBody(`Method "GET" not allowed.`))
	}
}
