// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"net/http"
	"strings"
	"testing"
)

func TestImageCRUD(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), http.StatusCreated, yoloResponse())
	h.expect("GET", "/v1/docker/1", h.user, nil, http.StatusOK, yoloResponse())
	h.expect("GET", "/v1/docker/1/", h.user, nil, http.StatusOK, yoloResponse())
	h.expect("POST", "/v1/docker/list", h.user, nil, http.StatusOK, []any{yoloResponse()})

	// PATCH: absent keeps, null clears, tasks replace as a set.
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"registry_username": nil, "tasks": []string{"Export"}},
		http.StatusOK, with(yoloResponse(), "registry_username", nil, "tasks", []string{"Export"}))
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{}, http.StatusOK,
		with(yoloResponse(), "registry_username", nil, "tasks", []string{"Export"}))

	// PUT replaces every field sent.
	put := with(yoloBody(), "version", "v8", "cpu", true, "min_hardware_generation", nil, "tasks", []string{},
		"registry_password", nil, "domain", "ic", "cuda_version", "0.0", "licence", "MIT", "framework", 1)
	want := with(yoloResponse(), "version", "v8", "cpu", true, "min_hardware_generation", nil, "tasks", []string{},
		"registry_username", "public", "registry_password", nil, "domain", "Image Classification",
		"cuda_version", map[string]any{"pk": 21, "version": "0.0", "full_version": "0.0", "min_driver_version": "0.0"},
		"licence", "MIT", "framework", map[string]any{"pk": 1, "name": "tensorflow", "version": "1.14"})
	h.expect("PUT", "/v1/docker/1", h.admin, put, http.StatusOK, want)
	h.expect("GET", "/v1/docker/1", h.admin, nil, http.StatusOK, want)

	// PUT keeps optional fields it does not send (DRF: non-required fields
	// absent from a full update are skipped).
	h.expect("PUT", "/v1/docker/1", h.admin, without(put, "registry_username", "cpu"), http.StatusOK, want)

	h.expect("DELETE", "/v1/docker/1", h.admin, nil, http.StatusNoContent, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, http.StatusNotFound, detailBody(msgNotFound))
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, http.StatusNotFound, detailBody(msgNotFound))
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{}, http.StatusNotFound, detailBody(msgNotFound))
	h.expect("PUT", "/v1/docker/1", h.admin, yoloBody(), http.StatusNotFound, detailBody(msgNotFound))
	h.expect("GET", "/v1/docker/99999999999999999999", h.admin, nil, http.StatusNotFound, detailBody(msgNotFound))

	// The next pk is not reused.
	b := h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), http.StatusCreated, nil)
	if pk := decode[map[string]any](t, b)["pk"]; pk != float64(2) {
		t.Fatalf("pk after delete: %v", pk)
	}
}

func TestImageCreateDefaults(t *testing.T) {
	h := newHarness(t, Options{})
	body := without(yoloBody(), "registry_username", "registry_password", "cpu")
	h.expect("POST", "/v1/docker/create", h.admin, body, http.StatusCreated,
		with(yoloResponse(), "registry_username", nil, "registry_password", nil))
	// tasks and the generation are required; a CPU image may send null or ""
	// for the generation (documented profile).
	h.expect("POST", "/v1/docker/create", h.admin, without(yoloBody(), "tasks"), 400, fieldErr("tasks", msgRequired))
	cpu := with(yoloBody(), "version", "cpu", "cpu", true)
	delete(cpu, "min_hardware_generation")
	h.expect("POST", "/v1/docker/create", h.admin, cpu, 400, fieldErr("min_hardware_generation", msgRequired))
	h.expect("POST", "/v1/docker/create", h.admin, with(cpu, "version", "cpu2", "min_hardware_generation", nil), 201, nil)
	b := h.expect("POST", "/v1/docker/create", h.admin, with(cpu, "version", "cpu3", "min_hardware_generation", ""), 201, nil)
	if decode[map[string]any](t, b)["min_hardware_generation"] != nil {
		t.Fatalf("generation not null: %s", b)
	}
}

func TestImageNormalisation(t *testing.T) {
	h := newHarness(t, Options{})
	body := with(yoloBody(),
		"name", "  yolo  ", // DRF trims
		"tasks", []string{"Train", "Predict", "Train"}, // a set
		"cuda_version", 11.1, // Django finds the decimal from a number too
		"framework", "12", // and a pk from its digits
		"cpu", "false", // and DRF's boolean spellings
		"unknown_key", "ignored", "pk", 77) // unknown and read-only keys are ignored
	h.expect("POST", "/v1/docker/create", h.admin, body, 201, yoloResponse())
}

func TestImageValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name string
		body map[string]any
		want map[string]any
	}{
		{"missing name", without(yoloBody(), "name"), fieldErr("name", msgRequired)},
		{"missing everything", map[string]any{}, map[string]any{
			"name": []string{msgRequired}, "version": []string{msgRequired}, "url": []string{msgRequired},
			"registry_url": []string{msgRequired}, "cuda_version": []string{msgRequired},
			"framework": []string{msgRequired}, "domain": []string{msgRequired}, "tasks": []string{msgRequired},
			"min_hardware_generation": []string{msgRequired}, "licence": []string{msgRequired}}},
		{"missing tasks", without(yoloBody(), "tasks"), fieldErr("tasks", msgRequired)},
		{"name too long", with(yoloBody(), "name", long(65)), fieldErr("name", tooLong(64))},
		{"name at limit", with(yoloBody(), "name", long(64)), nil},
		{"name in runes", with(yoloBody(), "name", strings.Repeat("é", 64)), nil},
		{"version too long", with(yoloBody(), "version", long(33)), fieldErr("version", tooLong(32))},
		{"url too long", with(yoloBody(), "url", "h/"+long(199)), fieldErr("url", tooLong(200))},
		{"registry_url too long", with(yoloBody(), "registry_url", long(201)), fieldErr("registry_url", tooLong(200))},
		{"username too long", with(yoloBody(), "registry_username", long(65)), fieldErr("registry_username", tooLong(64))},
		{"password too long", with(yoloBody(), "registry_password", long(65)), fieldErr("registry_password", tooLong(64))},
		{"name null", with(yoloBody(), "name", nil), fieldErr("name", msgNotNull)},
		{"name blank", with(yoloBody(), "name", " "), fieldErr("name", msgNotBlank)},
		{"name number", with(yoloBody(), "name", 5), nil}, // DRF takes it as "5"
		{"name bool", with(yoloBody(), "name", true), fieldErr("name", msgNotString)},
		{"name NUL", with(yoloBody(), "name", "a\x00b"), fieldErr("name", msgNullChars)},
		{"username blank", with(yoloBody(), "registry_username", ""), fieldErr("registry_username", msgNotBlank)},
		// The backend stores both URLs as plain text.
		{"url with space", with(yoloBody(), "url", "a b"), nil},
		{"url ftp", with(yoloBody(), "registry_url", "ftp://host/x"), nil},
		{"cuda unknown", with(yoloBody(), "cuda_version", "12.9"), fieldErr("cuda_version", "Object with version=12.9 does not exist.")},
		{"cuda list", with(yoloBody(), "cuda_version", []int{1}), fieldErr("cuda_version", "\u201c[1]\u201d value must be a decimal number.")},
		{"cuda text", with(yoloBody(), "cuda_version", "x"), fieldErr("cuda_version", "\u201cx\u201d value must be a decimal number.")},
		{"cuda bool", with(yoloBody(), "cuda_version", true), fieldErr("cuda_version", "Object with version=True does not exist.")},
		{"cuda null", with(yoloBody(), "cuda_version", nil), fieldErr("cuda_version", msgNotNull)},
		{"framework unknown", with(yoloBody(), "framework", 99), fieldErr("framework", `Invalid pk "99" - object does not exist.`)},
		{"framework string", with(yoloBody(), "framework", "yolo"), fieldErr("framework", "Incorrect type. Expected pk value, received str.")},
		{"framework bool", with(yoloBody(), "framework", true), fieldErr("framework", "Incorrect type. Expected pk value, received bool.")},
		{"framework fraction", with(yoloBody(), "framework", 1.5), nil}, // int(1.5) is 1
		{"framework digits with a fraction", with(yoloBody(), "framework", "1.5"), fieldErr("framework", "Incorrect type. Expected pk value, received str.")},
		{"framework unknown string", with(yoloBody(), "framework", "99"), fieldErr("framework", `Invalid pk "99" - object does not exist.`)},
		{"framework null", with(yoloBody(), "framework", nil), fieldErr("framework", msgNotNull)},
		{"domain unknown", with(yoloBody(), "domain", "xx"), fieldErr("domain", "Object with name=xx does not exist.")},
		{"domain description", with(yoloBody(), "domain", "Object Detection"), fieldErr("domain", "Object with name=Object Detection does not exist.")},
		{"task unknown", with(yoloBody(), "tasks", []string{"Train", "Foo"}), fieldErr("tasks", "Object with name=Foo does not exist.")},
		{"tasks string", with(yoloBody(), "tasks", "Train"), fieldErr("tasks", `Expected a list of items but got type "str".`)},
		{"tasks null", with(yoloBody(), "tasks", nil), fieldErr("tasks", msgNotNull)},
		{"task object", with(yoloBody(), "tasks", []any{map[string]any{}}), fieldErr("tasks", "Object with name={} does not exist.")},
		{"tasks dict keys", with(yoloBody(), "tasks", map[string]any{"Train": 1}), nil},
		{"generation unknown", with(yoloBody(), "min_hardware_generation", "X"), fieldErr("min_hardware_generation", "Object with generation=X does not exist.")},
		{"generation null on GPU image", with(yoloBody(), "min_hardware_generation", nil), fieldErr("min_hardware_generation", msgCPUOnlyNull)},
		{"generation absent", without(yoloBody(), "min_hardware_generation"), fieldErr("min_hardware_generation", msgRequired)},
		{"licence unknown", with(yoloBody(), "licence", "X"), fieldErr("licence", "Object with name=X does not exist.")},
		{"cpu word", with(yoloBody(), "cpu", "maybe"), fieldErr("cpu", msgNotBool)},
		{"cpu number", with(yoloBody(), "cpu", 2), fieldErr("cpu", msgNotBool)},
		{"cpu null", with(yoloBody(), "cpu", nil), fieldErr("cpu", msgNotNull)},
		{"two fields", with(yoloBody(), "name", nil, "licence", "X"), map[string]any{
			"name": []string{msgNotNull}, "licence": []string{"Object with name=X does not exist."}}},
		{"long url", with(yoloBody(), "url", " "+long(200)+" x"), fieldErr("url", tooLong(200))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			if c.want == nil {
				h.expect("POST", "/v1/docker/create", h.admin, c.body, 201, nil)
				return
			}
			h.expect("POST", "/v1/docker/create", h.admin, c.body, 400, c.want)
			// Nothing is left behind, and the pk is not consumed.
			h.expect("POST", "/v1/docker/list", h.admin, nil, 200, []any{})
			h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, yoloResponse())
			h.expect("PUT", "/v1/docker/1", h.admin, c.body, 400, c.want)
			h.expect("GET", "/v1/docker/1", h.admin, nil, 200, yoloResponse())
		})
	}
}

// DRF reports field errors in the serializer's field order.
func TestImageErrorOrder(t *testing.T) {
	h := newHarness(t, Options{})
	_, b := h.do("POST", "/v1/docker/create", h.admin, map[string]any{"licence": "X", "cpu": "x", "name": nil})
	want := `{"name":["This field may not be null."],"version":["This field is required."],"url":["This field is required."],` +
		`"registry_url":["This field is required."],"cuda_version":["This field is required."],"framework":["This field is required."],` +
		`"domain":["This field is required."],"tasks":["This field is required."],"min_hardware_generation":["This field is required."],` +
		`"cpu":["Must be a valid boolean."],"licence":["Object with name=X does not exist."]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

// Uniqueness is the database's: a create fails with PostgreSQL's message as a
// detail (and its pk is used up), an update with an unhandled error.
func TestImageUniqueness(t *testing.T) {
	h := newHarness(t, Options{})
	dup := detailBody("duplicate key value violates unique constraint \"unique_docker_images\"\n" +
		"DETAIL:  Key (name, version)=(yolo, v7_2022-10-08_cuda11.1) already exists.\n")
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 400, dup)
	b := h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "other"), 201, nil)
	if decode[map[string]any](t, b)["pk"] != float64(3) {
		t.Fatalf("pk after a failed insert: %s", b)
	}
	for _, m := range []string{"PATCH", "PUT"} {
		body := map[string]any{"version": "v7_2022-10-08_cuda11.1"}
		if m == "PUT" {
			body = yoloBody()
		}
		st, b, hdr := h.doHeaders(m, "/v1/docker/3", h.admin, body, nil)
		if st != 500 || string(b) != serverErrorPage || hdr.Get("Content-Type") != contentHTML {
			t.Fatalf("%s clash: %d %q %s", m, st, hdr.Get("Content-Type"), b)
		}
	}
	// Renaming onto itself is no clash; a failed update changes nothing.
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"name": "yolo"}, 200, yoloResponse())
	b = h.expect("GET", "/v1/docker/3", h.admin, nil, 200, nil)
	if decode[map[string]any](t, b)["version"] != "other" {
		t.Fatalf("failed update changed the image: %s", b)
	}
	// The model's CPU rule comes before the database: no pk used.
	h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "min_hardware_generation", nil), 400,
		fieldErr("min_hardware_generation", msgCPUOnlyNull))
	b = h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "version", "third"), 201, nil)
	if decode[map[string]any](t, b)["pk"] != float64(4) {
		t.Fatalf("pk %s", b)
	}
}

func TestImagePatchRules(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	// Clearing the generation of a GPU image is refused; with cpu it is fine.
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"min_hardware_generation": nil}, 400,
		fieldErr("min_hardware_generation", msgCPUOnlyNull))
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"min_hardware_generation": nil, "cpu": true}, 200,
		with(yoloResponse(), "min_hardware_generation", nil, "cpu", true))
	// Now turning cpu off alone breaks the rule on the merged image.
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"cpu": false}, 400,
		fieldErr("min_hardware_generation", msgCPUOnlyNull))
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"tasks": []string{}}, 200,
		with(yoloResponse(), "min_hardware_generation", nil, "cpu", true, "tasks", []string{}))
	// Errors of a PATCH name only the fields sent.
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"name": ""}, 400, fieldErr("name", msgNotBlank))
	h.expect("PATCH", "/v1/docker/1", h.admin, `[1]`, 400,
		fieldErr("non_field_errors", "Invalid data. Expected a dictionary, but got list."))
	h.expect("PATCH", "/v1/docker/1", h.admin, `{"name":`, 400, nil)
}

func TestImageBodyShapes(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct {
		body string
		want any
	}{
		{`null`, fieldErr("non_field_errors", "No data provided")},
		{`"x"`, fieldErr("non_field_errors", "Invalid data. Expected a dictionary, but got str.")},
		{`5`, fieldErr("non_field_errors", "Invalid data. Expected a dictionary, but got int.")},
		{``, nil}, // empty body: every required field is missing
	} {
		b := h.expect("POST", "/v1/docker/create", h.admin, []byte(c.body), 400, c.want)
		if c.want == nil && !strings.Contains(string(b), `"name":["This field is required."]`) {
			t.Fatalf("empty body: %s", b)
		}
	}
	b := h.expect("POST", "/v1/docker/create", h.admin, `{"name": "x",}`, 400, nil)
	if !strings.HasPrefix(decode[map[string]string](t, b)["detail"], "JSON parse error - ") {
		t.Fatalf("parse error body %s", b)
	}
}

func TestImageDestroyReferenced(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	h.srv.AddReference(1)
	h.srv.AddReference(1)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 400,
		detailBody("Docker image 1 is still referenced by other objects and cannot be deleted."))
	h.srv.SetKeepOnRefusedDelete(true)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, 200, yoloResponse())
	h.srv.RemoveReference(1)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, 200, nil) // one reference left
	h.srv.RemoveReference(1)
	h.expect("DELETE", "/v1/docker/1", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/1", h.admin, nil, 404, nil)
	// Tasks are no references in the documented profile.
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	h.expect("DELETE", "/v1/docker/2", h.admin, nil, 204, nil)
	h.expect("GET", "/v1/docker/2", h.admin, nil, 404, nil)
}

func TestSamples(t *testing.T) {
	h := newHarness(t, Options{Samples: true})
	b := h.expect("POST", "/v1/docker/list", h.user, nil, 200, nil)
	imgs := decode[[]map[string]any](t, b)
	if len(imgs) != 23 {
		t.Fatalf("%d samples", len(imgs))
	}
	var cpuNull, withTasks int
	for i, im := range imgs {
		if im["pk"] != float64(i+1) {
			t.Fatalf("pk order: %v at %d", im["pk"], i)
		}
		if im["cpu"] == true && im["min_hardware_generation"] == nil {
			cpuNull++
		}
		if len(im["tasks"].([]any)) > 0 {
			withTasks++
		}
	}
	if cpuNull != 8 || withTasks != 23 {
		t.Fatalf("cpu images with null generation: %d; with tasks: %d", cpuNull, withTasks)
	}
	// As served: the catalog's first image is mmclassification 0.23.1.
	h.expect("GET", "/v1/docker/1", h.user, nil, 200, map[string]any{
		"pk": 1, "name": "mmclassification", "version": "0.23.1",
		"url": imgs[0]["url"], "registry_url": "public.aml-repo.cms.waikato.ac.nz:443",
		"registry_username": "public", "registry_password": "public",
		"cuda_version": map[string]any{"pk": 10, "version": "11.1", "full_version": "11.1.0", "min_driver_version": "455.23.05"},
		"framework":    map[string]any{"pk": 2, "name": "mmclassification", "version": "0.23.1"},
		"domain":       "Image Classification", "tasks": []string{"Predict", "Train"},
		"min_hardware_generation": map[string]any{"pk": 4, "generation": "Pascal", "min_compute_capability": 6.0, "max_compute_capability": 7.0},
		"cpu":                     false, "licence": "Apache 2.0",
	})
}
