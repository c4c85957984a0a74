// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"strings"
	"testing"
)

func TestLookupSeeds(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct {
		route string
		n     int
		first map[string]any
	}{
		{"/v1/cuda", 21, map[string]any{"pk": 1, "version": "12.1", "full_version": "12.1.0", "min_driver_version": "530.30.02"}},
		{"/v1/frameworks", 16, map[string]any{"pk": 1, "name": "tensorflow", "version": "1.14"}},
		{"/v1/hardware", 8, map[string]any{"pk": 1, "generation": "Fermi", "min_compute_capability": 2.0, "max_compute_capability": 3.0}},
		{"/v1/licences", 14, map[string]any{"pk": 1, "name": "AGPL3", "url": "https://opensource.org/licenses/AGPL-3.0",
			"permissions": []string{"Private use", "Patent use", "Modification", "Commercial use", "Distribution"},
			"conditions":  []string{"Same license", "Disclose source", "License and copyright notice", "State changes", "Network use is distribution"},
			"limitations": []string{"Warranty", "Liability"}, "domains": []string{"Software", "Models"}}},
		{"/v1/licenses", 14, nil},
		{"/v1/job-contracts", 3, map[string]any{"pk": 1, "name": "Predict", "pkg": "ufdl.jobcontracts", "cls": "ufdl.jobcontracts.standard.Predict"}},
		{"/v1/domains", 5, map[string]any{"pk": 1, "name": "ic", "description": "Image Classification"}},
		{"/v1/domains", 5, nil},
	} {
		b := h.expect("POST", c.route+"/list", h.user, nil, 200, nil)
		rows := decode[[]map[string]any](t, b)
		if len(rows) != c.n {
			t.Errorf("%s: %d rows, want %d", c.route, len(rows), c.n)
		}
		if c.first != nil {
			h.expect("GET", c.route+"/1", h.user, nil, 200, c.first)
			h.expect("POST", c.route+"/list", h.user, map[string]any{"expressions": []any{
				map[string]any{"type": "exact", "field": "pk", "value": 1}}}, 200, []any{c.first})
		}
		h.expect("GET", c.route+"/999", h.user, nil, 404, detailBody(msgNotFound))
	}
	// Python renders whole floats with ".0"; so do we.
	_, b := h.do("GET", "/v1/hardware/4", h.user, nil)
	if !strings.Contains(string(b), `"min_compute_capability":6.0`) {
		t.Fatalf("float rendering: %s", b)
	}
}

func TestCUDAVersionCRUD(t *testing.T) {
	h := newHarness(t, Options{})
	body := map[string]any{"version": "12.9", "full_version": "12.9.1", "min_driver_version": "575.57.08"}
	h.expect("POST", "/v1/cuda/create", h.admin, body, 201, with(body, "pk", 22))
	h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", 13), 400, map[string]any{
		"full_version": []string{"cuda version with this full version already exists."}})
	h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", 13, "full_version", "13.0.0"), 201,
		with(body, "pk", 23, "version", "13.0", "full_version", "13.0.0"))
	h.expect("PATCH", "/v1/cuda/23", h.admin, map[string]any{"min_driver_version": 580}, 200,
		with(body, "pk", 23, "version", "13.0", "full_version", "13.0.0", "min_driver_version", "580"))
	h.expect("PUT", "/v1/cuda/23", h.admin, map[string]any{"version": "13.1"}, 400, map[string]any{
		"full_version": []string{msgRequired}, "min_driver_version": []string{msgRequired}})
	for _, c := range []struct {
		version any
		msg     string
	}{
		{"12.9", "cuda version with this version already exists."},
		{"12.90", "Ensure that there are no more than 1 decimal places."},
		{"12345", "Ensure that there are no more than 4 digits in total."},
		{"1234", "Ensure that there are no more than 3 digits before the decimal point."},
		{"x", msgNotNumber},
		{true, msgNotNumber},
		{nil, msgNotNull},
	} {
		h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", c.version, "full_version", "x"), 400, fieldErr("version", c.msg))
	}
	h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", "14.0", "full_version", strings.Repeat("1", 17)), 400,
		fieldErr("full_version", tooLong(16)))
	// An image finds the new version; then a delete answers 204 and keeps it.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "cuda_version", "12.9"), 201, nil)
	h.expect("DELETE", "/v1/cuda/22", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/cuda/22", h.admin, nil, 200, nil)
	h.expect("DELETE", "/v1/cuda/23", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/cuda/23", h.admin, nil, 404, nil)
	// Changing a version shows in the images that use it.
	h.expect("PATCH", "/v1/cuda/22", h.admin, map[string]any{"full_version": "12.9.9"}, 200, nil)
	b := h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil)
	if !strings.Contains(string(b), `"full_version":"12.9.9"`) {
		t.Fatalf("image does not show the changed CUDA version: %s", b)
	}
}

// (name, version) of frameworks and generation names are unique in the
// database: a create fails with its message, an update with a 500.
func TestFrameworkUniqueTogether(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/frameworks/create", h.admin, map[string]any{"name": "yolo", "version": "v8"}, 201,
		map[string]any{"pk": 17, "name": "yolo", "version": "v8"})
	h.expect("POST", "/v1/frameworks/create", h.admin, map[string]any{"name": "yolo", "version": "v8"}, 400,
		detailBody("duplicate key value violates unique constraint \"unique_frameworks\"\nDETAIL:  Key (name, version)=(yolo, v8) already exists.\n"))
	st, b := h.do("PATCH", "/v1/frameworks/17", h.admin, map[string]any{"version": "v7"})
	if st != 500 || string(b) != serverErrorPage {
		t.Fatalf("update clash: %d %s", st, b)
	}
	h.expect("PATCH", "/v1/frameworks/17", h.admin, map[string]any{"name": strings.Repeat("n", 33)}, 400,
		fieldErr("name", tooLong(32)))
	// The failed insert used pk 18.
	h.expect("PUT", "/v1/frameworks/17", h.admin, map[string]any{"name": "yolo", "version": 9}, 200,
		map[string]any{"pk": 17, "name": "yolo", "version": "9"})
	h.expect("POST", "/v1/frameworks/create", h.admin, map[string]any{"name": "yolo", "version": "v10"}, 201,
		map[string]any{"pk": 19, "name": "yolo", "version": "v10"})
	// Referenced rows are kept by a delete that answers 204.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "framework", 17), 201, nil)
	h.expect("DELETE", "/v1/frameworks/17", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/frameworks/17", h.admin, nil, 200, nil)
	h.expect("DELETE", "/v1/frameworks/4", h.admin, nil, 204, nil) // dogs_dummy: unused
	h.expect("GET", "/v1/frameworks/4", h.admin, nil, 404, nil)
}

func TestHardwareCRUDAndGeneration(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/hardware/create", h.admin, map[string]any{
		"generation": "Blackwell", "min_compute_capability": 10, "max_compute_capability": "13.0"}, 201,
		map[string]any{"pk": 9, "generation": "Blackwell", "min_compute_capability": 10.0, "max_compute_capability": 13.0})
	h.expect("POST", "/v1/hardware/create", h.admin, map[string]any{
		"generation": "Blackwell", "min_compute_capability": "x", "max_compute_capability": true}, 400, map[string]any{
		"min_compute_capability": []string{msgNotNumber}})
	h.expect("POST", "/v1/hardware/create", h.admin, map[string]any{
		"generation": "Blackwell", "min_compute_capability": 1, "max_compute_capability": 2}, 400,
		detailBody("duplicate key value violates unique constraint \"unique_generation_names\"\nDETAIL:  Key (generation)=(Blackwell) already exists.\n"))
	for _, c := range []struct {
		compute string
		status  int
		gen     string
	}{
		{"6.1", 200, "Pascal"}, {"7.5", 200, "Turing"}, {"7", 200, "Volta"}, {"12", 200, "Blackwell"}, {" 1_0 ", 200, "Blackwell"},
		{"1.0", 400, ""}, {"abc", 400, ""}, {"1e3", 400, ""}, {"6.1/", 400, ""},
	} {
		b := h.expect("GET", "/v1/hardware/get-hardware-generation/"+c.compute, h.user, nil, c.status, nil)
		if c.status == 200 && decode[map[string]any](t, b)["generation"] != c.gen {
			t.Errorf("compute %s: %s", c.compute, b)
		}
		if c.status == 400 {
			assertJSON(t, b, detailBody("Bad value for get_hardware_generation parameter 'compute': "+c.compute+", options: [2.0, 13.0)"))
		}
	}
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "min_hardware_generation", "Blackwell"), 201, nil)
	h.expect("DELETE", "/v1/hardware/9", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/hardware/9", h.admin, nil, 200, nil)
	h.expect("DELETE", "/v1/hardware/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/hardware/1", h.admin, nil, 404, nil)
}

func TestLicencesBothSpellingsAndSubdescriptors(t *testing.T) {
	h := newHarness(t, Options{})
	lic := map[string]any{"name": "EUPL", "url": "https://eupl.eu/1.2/en/"}
	full := with(lic, "pk", 15, "domains", []string{}, "permissions", []string{}, "limitations", []string{}, "conditions", []string{})
	h.expect("POST", "/v1/licenses/create", h.admin, lic, 201, full)
	h.expect("GET", "/v1/licences/15", h.user, nil, 200, full)
	h.expect("GET", "/v1/licenses/15/", h.user, nil, 200, full)
	h.expect("POST", "/v1/licences/create", h.admin, with(lic, "url", "eupl.eu"), 400, fieldErr("url", msgBadURL))
	h.expect("POST", "/v1/licences/create", h.admin, lic, 400,
		detailBody("duplicate key value violates unique constraint \"unique_licence_names\"\nDETAIL:  Key (name)=(EUPL) already exists.\n"))

	sub := func(typ, method string, names ...any) map[string]any {
		return map[string]any{"type": typ, "method": method, "names": append([]any{}, names...)}
	}
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "add", "Software", "Data"), 200,
		with(full, "domains", []string{"Software", "Data"}))
	h.expect("PATCH", "/v1/licenses/15/subdescriptors", h.admin, sub("permissions", "add", "Commercial use"), 200,
		with(full, "domains", []string{"Software", "Data"}, "permissions", []string{"Commercial use"}))
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "remove", "Data", "Models", 3), 200,
		with(full, "domains", []string{"Software"}, "permissions", []string{"Commercial use"}))
	// Any name is added (the backend creates it); a pk it does not have is a bad value.
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "add", "Music"), 200,
		with(full, "domains", []string{"Software", "Music"}, "permissions", []string{"Commercial use"}))
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "add", 99), 400,
		detailBody("Bad value for modify_subdescriptors parameter 'names': 99"))
	for _, bad := range []any{sub("colours", "add", "x"), sub("domains", "append", "x"), map[string]any{"names": "x"},
		sub("domains", "add"), sub("domains", "add", "x", "x"), sub("domains", "add", ""), with(sub("domains", "add", "x"), "extra", 1)} {
		b := h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, bad, 400, nil)
		if d := decode[map[string]string](t, b)["detail"]; !strings.HasPrefix(d, "Unable to parse JSON: ") {
			t.Errorf("%v: %s", bad, b)
		}
	}
	// The body is checked before the licence is looked up.
	h.expect("PATCH", "/v1/licences/99/subdescriptors", h.admin, sub("domains", "add", "x"), 404, nil)
	h.expect("PATCH", "/v1/licences/99/subdescriptors", h.admin, map[string]any{}, 400, nil)
	// Subdescriptors are filterable.
	h.expect("POST", "/v1/licences/list", h.user, map[string]any{"expressions": []any{
		map[string]any{"type": "exact", "field": "domains__name", "value": "Music"}}}, 200,
		[]any{with(full, "domains", []string{"Software", "Music"}, "permissions", []string{"Commercial use"})})

	// A licence an image uses cannot be deleted: the database refuses (500).
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "licence", "EUPL"), 201, nil)
	st, b := h.do("DELETE", "/v1/licenses/15", h.admin, nil)
	if st != 500 || string(b) != serverErrorPage {
		t.Fatalf("delete of a used licence: %d %s", st, b)
	}
	h.expect("PATCH", "/v1/licences/15", h.admin, map[string]any{"name": "EUPL-1.2"}, 200, nil)
	b = h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil)
	if decode[map[string]any](t, b)["licence"] != "EUPL-1.2" {
		t.Fatalf("renamed licence not shown: %s", b)
	}
	h.expect("DELETE", "/v1/licences/1", h.admin, nil, 204, nil)
	if h.srv.Calls("PATCH /v1/licences/{pk}/subdescriptors") != 14 || h.srv.Calls("GET /v1/licences/{pk}") != 2 {
		t.Fatalf("the licenses spelling is not counted under licences: %v", h.srv.CallCounts())
	}
}

func TestJobContractsCRUD(t *testing.T) {
	h := newHarness(t, Options{})
	jc := map[string]any{"name": "Evaluate", "pkg": "ufdl.jobcontracts", "cls": "ufdl.jobcontracts.standard.Evaluate"}
	h.expect("POST", "/v1/job-contracts/create", h.admin, jc, 201, with(jc, "pk", 4))
	h.expect("POST", "/v1/job-contracts/create", h.admin, jc, 400, map[string]any{
		"name": []string{"job contract with this name already exists."}, "cls": []string{"job contract with this cls already exists."}})
	h.expect("PUT", "/v1/job-contracts/4", h.admin, with(jc, "name", "Score"), 200, with(jc, "pk", 4, "name", "Score"))
	h.expect("PATCH", "/v1/job-contracts/4", h.admin, map[string]any{"pkg": nil}, 400, fieldErr("pkg", msgNotNull))
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "tasks", []string{"Score", "Train"}), 201, nil)
	// A renamed contract shows in the images; an image's task keeps it alive.
	h.expect("PATCH", "/v1/job-contracts/4", h.admin, map[string]any{"name": "Assess"}, 200, nil)
	b := h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil)
	if got := decode[map[string]any](t, b)["tasks"]; len(got.([]any)) != 2 || got.([]any)[1] != "Assess" {
		t.Fatalf("tasks %v", got)
	}
	h.expect("DELETE", "/v1/job-contracts/4", h.admin, nil, 204, nil) // kept: an image uses it
	h.expect("GET", "/v1/job-contracts/4", h.admin, nil, 200, nil)
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"tasks": []string{"Train"}}, 200, nil)
	h.expect("DELETE", "/v1/job-contracts/4", h.admin, nil, 204, nil)
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "2", "tasks", []string{"Assess"}), 400,
		fieldErr("tasks", "Object with name=Assess does not exist."))
}

// Domains are read-only: the backend routes writes and refuses them with
// 403, admins included, in both profiles.
func TestDomainsReadOnly(t *testing.T) {
	for _, profile := range []Profile{ProfileDocumented, ProfileUFDLBackend} {
		t.Run(string(profile), func(t *testing.T) {
			h := newHarness(t, Options{Profile: profile})
			h.expect("POST", "/v1/domains/create", h.admin, map[string]any{"name": "xx", "description": "X"}, 403, detailBody(msgForbidden))
			for _, m := range []string{"PUT", "PATCH", "DELETE"} {
				h.expect(m, "/v1/domains/1", h.admin, map[string]any{}, 403, detailBody(msgForbidden))
				h.expect(m, "/v1/domains/1", h.user, map[string]any{}, 403, detailBody(msgForbidden))
			}
			h.expect("GET", "/v1/domains/3", h.admin, nil, 200, map[string]any{"pk": 3, "name": "od", "description": "Object Detection"})
		})
	}
}
