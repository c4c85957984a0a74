package refserver

import (
	"net/http"
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
		{"/v1/frameworks", 18, map[string]any{"pk": 1, "name": "coqui_stt", "version": "1.15.2"}},
		{"/v1/hardware", 8, map[string]any{"pk": 1, "generation": "Fermi", "min_compute_capability": 2.0, "max_compute_capability": 3.0}},
		{"/v1/licences", 14, map[string]any{"pk": 1, "name": "AGPL3", "url": "https://opensource.org/licenses/AGPL-3.0",
			"domains": []string{}, "permissions": []string{}, "limitations": []string{}, "conditions": []string{}}},
		{"/v1/licenses", 14, nil},
		{"/v1/job-contracts", 3, map[string]any{"pk": 1, "name": "Predict", "pkg": "ufdl.jobcontracts", "cls": "ufdl.jobcontracts.standard.Predict"}},
		{"/v1/domains", 5, map[string]any{"pk": 1, "name": "ic", "description": "Image Classification"}},
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
	h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", 13), 201,
		with(body, "pk", 23, "version", "13.0"))
	h.expect("PATCH", "/v1/cuda/23", h.admin, map[string]any{"min_driver_version": "580"}, 200,
		with(body, "pk", 23, "version", "13.0", "min_driver_version", "580"))
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
		h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", c.version), 400, fieldErr("version", c.msg))
	}
	h.expect("POST", "/v1/cuda/create", h.admin, with(body, "version", "14.0", "full_version", strings.Repeat("1", 17)), 400,
		fieldErr("full_version", tooLong(16)))
	// An image finds the new version; then the version cannot be deleted.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "cuda_version", "12.9"), 201, nil)
	h.expect("DELETE", "/v1/cuda/22", h.admin, nil, 400,
		detailBody(`CUDA version 22 is still used by 1 docker image(s) (field "cuda_version") and cannot be deleted.`))
	h.expect("DELETE", "/v1/cuda/23", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/cuda/23", h.admin, nil, 404, nil)
	// Changing a version shows in the images that use it.
	h.expect("PATCH", "/v1/cuda/22", h.admin, map[string]any{"full_version": "12.9.9"}, 200, nil)
	b := h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil)
	if !strings.Contains(string(b), `"full_version":"12.9.9"`) {
		t.Fatalf("image does not show the changed CUDA version: %s", b)
	}
}

func TestFrameworkUniqueTogether(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/frameworks/create", h.admin, map[string]any{"name": "yolo", "version": "v8"}, 201,
		map[string]any{"pk": 19, "name": "yolo", "version": "v8"})
	h.expect("POST", "/v1/frameworks/create", h.admin, map[string]any{"name": "yolo", "version": "v8"}, 400,
		fieldErr("non_field_errors", "The fields name, version must make a unique set."))
	h.expect("PATCH", "/v1/frameworks/19", h.admin, map[string]any{"version": "v7"}, 400,
		fieldErr("non_field_errors", "The fields name, version must make a unique set."))
	h.expect("PATCH", "/v1/frameworks/19", h.admin, map[string]any{"name": strings.Repeat("n", 33)}, 400,
		fieldErr("name", tooLong(32)))
	h.expect("PUT", "/v1/frameworks/19", h.admin, map[string]any{"name": "yolo", "version": "v9"}, 200,
		map[string]any{"pk": 19, "name": "yolo", "version": "v9"})
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "framework", 19), 201, nil)
	h.expect("DELETE", "/v1/frameworks/19", h.admin, nil, 400, nil)
	h.expect("DELETE", "/v1/frameworks/4", h.admin, nil, 204, nil) // dogs_dummy: unused
}

func TestHardwareCRUDAndGeneration(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/hardware/create", h.admin, map[string]any{
		"generation": "Blackwell", "min_compute_capability": 10, "max_compute_capability": "13.0"}, 201,
		map[string]any{"pk": 9, "generation": "Blackwell", "min_compute_capability": 10.0, "max_compute_capability": 13.0})
	h.expect("POST", "/v1/hardware/create", h.admin, map[string]any{
		"generation": "Blackwell", "min_compute_capability": "x", "max_compute_capability": 1}, 400, map[string]any{
		"generation": []string{"hardware with this generation already exists."}, "min_compute_capability": []string{msgNotNumber}})
	for _, c := range []struct {
		compute string
		status  int
		gen     string
	}{
		{"6.1", 200, "Pascal"}, {"7.5", 200, "Turing"}, {"7", 200, "Volta"}, {"12", 200, "Blackwell"},
		{"1.0", 404, ""}, {"abc", 404, ""}, {"1e3", 404, ""},
	} {
		b := h.expect("GET", "/v1/hardware/get-hardware-generation/"+c.compute, h.user, nil, c.status, nil)
		if c.status == 200 && decode[map[string]any](t, b)["generation"] != c.gen {
			t.Errorf("compute %s: %s", c.compute, b)
		}
	}
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "min_hardware_generation", "Blackwell"), 201, nil)
	h.expect("DELETE", "/v1/hardware/9", h.admin, nil, 400, nil)
	h.expect("DELETE", "/v1/hardware/1", h.admin, nil, 204, nil)
}

func TestLicencesBothSpellingsAndSubdescriptors(t *testing.T) {
	h := newHarness(t, Options{})
	lic := map[string]any{"name": "EUPL", "url": "https://eupl.eu/1.2/en/"}
	full := with(lic, "pk", 15, "domains", []string{}, "permissions", []string{}, "limitations", []string{}, "conditions", []string{})
	h.expect("POST", "/v1/licenses/create", h.admin, lic, 201, full)
	h.expect("GET", "/v1/licences/15", h.user, nil, 200, full)
	h.expect("GET", "/v1/licenses/15/", h.user, nil, 200, full)
	h.expect("POST", "/v1/licences/create", h.admin, with(lic, "url", "eupl.eu"), 400,
		map[string]any{"name": []string{"licence with this name already exists."}, "url": []string{msgBadURL}})

	sub := func(typ, method string, names ...string) map[string]any {
		if names == nil {
			names = []string{}
		}
		return map[string]any{"type": typ, "method": method, "names": names}
	}
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "add", "Software", "Data", "Software"), 200,
		with(full, "domains", []string{"Data", "Software"}))
	h.expect("PATCH", "/v1/licenses/15/subdescriptors", h.admin, sub("permissions", "add", "Commercial use"), 200,
		with(full, "domains", []string{"Data", "Software"}, "permissions", []string{"Commercial use"}))
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "remove", "Data", "Models"), 200,
		with(full, "domains", []string{"Software"}, "permissions", []string{"Commercial use"}))
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("domains", "add", "Music"), 400,
		fieldErr("names", "Object with name=Music does not exist."))
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, sub("colours", "append"), 400, map[string]any{
		"type": []string{`"colours" is not a valid choice.`}, "method": []string{`"append" is not a valid choice.`}})
	h.expect("PATCH", "/v1/licences/15/subdescriptors", h.admin, map[string]any{"names": "x"}, 400, map[string]any{
		"type": []string{msgRequired}, "method": []string{msgRequired}, "names": []string{`Expected a list of items but got type "str".`}})
	h.expect("PATCH", "/v1/licences/99/subdescriptors", h.admin, sub("domains", "add"), 404, nil)
	// Subdescriptors are filterable.
	h.expect("POST", "/v1/licences/list", h.user, map[string]any{"expressions": []any{
		map[string]any{"type": "exact", "field": "domains__name", "value": "Software"}}}, 200,
		[]any{with(full, "domains", []string{"Software"}, "permissions", []string{"Commercial use"})})

	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "licence", "EUPL"), 201, nil)
	h.expect("DELETE", "/v1/licenses/15", h.admin, nil, 400, nil)
	h.expect("PATCH", "/v1/licences/15", h.admin, map[string]any{"name": "EUPL-1.2"}, 200, nil)
	b := h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil)
	if decode[map[string]any](t, b)["licence"] != "EUPL-1.2" {
		t.Fatalf("renamed licence not shown: %s", b)
	}
	h.expect("DELETE", "/v1/licences/1", h.admin, nil, 204, nil)
	if h.srv.Calls("PATCH /v1/licences/{pk}/subdescriptors") != 7 || h.srv.Calls("GET /v1/licences/{pk}") != 2 {
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
	if got := decode[map[string]any](t, b)["tasks"]; len(got.([]any)) != 2 || got.([]any)[0] != "Assess" {
		t.Fatalf("tasks %v", got)
	}
	h.expect("DELETE", "/v1/job-contracts/4", h.admin, nil, 400,
		detailBody(`Job contract 4 is still used by 1 docker image(s) (field "tasks") and cannot be deleted.`))
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"tasks": []string{"Train"}}, 200, nil)
	h.expect("DELETE", "/v1/job-contracts/4", h.admin, nil, 204, nil)
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "2", "tasks", []string{"Assess"}), 400,
		fieldErr("tasks", "Object with name=Assess does not exist."))
}

func TestDomainsReadOnly(t *testing.T) {
	for _, profile := range []Profile{ProfileDocumented, ProfileUFDLBackend} {
		t.Run(string(profile), func(t *testing.T) {
			h := newHarness(t, Options{Profile: profile})
			h.expect("POST", "/v1/domains/create", h.admin, map[string]any{"name": "xx", "description": "X"}, 404, nil)
			for _, m := range []string{"PUT", "PATCH", "DELETE"} {
				st, b, hdr := h.doHeaders(m, "/v1/domains/1", h.admin, map[string]any{}, nil)
				if profile == ProfileUFDLBackend {
					if st != 500 || string(b) != serverErrorPage || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
						t.Fatalf("%s: %d %s", m, st, b)
					}
					continue
				}
				if st != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET" {
					t.Fatalf("%s: %d %s (Allow %q)", m, st, b, hdr.Get("Allow"))
				}
				assertJSON(t, b, detailBody(`Method "`+m+`" not allowed.`))
			}
			h.expect("GET", "/v1/domains/2", h.admin, nil, 200, map[string]any{"pk": 2, "name": "od", "description": "Object Detection"})
		})
	}
}
