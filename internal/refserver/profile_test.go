package refserver

import (
	"fmt"
	"net/http"
	"strings"
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
	h.expect("PUT", "/v1/docker/1", h.admin, cpu, 400, notNull)
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"min_hardware_generation": nil}, 400, notNull)

	// Images loaded like the backend's migrations still read back with null,
	// and a PATCH that leaves the generation alone works on them.
	b := h.expect("GET", "/v1/docker/1", h.user, nil, 200, nil)
	if im := decode[map[string]any](t, b); im["cpu"] != true || im["min_hardware_generation"] != nil {
		t.Fatalf("sample 1: %s", b)
	}
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"registry_password": "x"}, 200, nil)
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"min_hardware_generation": "Pascal"}, 200, nil)

	// The direct data hook behaves like the migrations (documented rules).
	if _, err := h.srv.CreateImage(cpu); err != nil {
		t.Fatalf("CreateImage with null generation in the ufdl-backend profile: %v", err)
	}
}

func TestBackendTaskOrder(t *testing.T) {
	for _, c := range []struct {
		profile Profile
		want    []string
	}{
		{ProfileUFDLBackend, []string{"Predict", "Train", "Export"}}, // job-contract pk order
		{ProfileDocumented, []string{"Export", "Predict", "Train"}},  // by name
	} {
		h := newHarness(t, Options{Profile: c.profile})
		b := h.expect("POST", "/v1/docker/create", h.admin, with(yoloBody(), "tasks", []string{"Export", "Train", "Predict"}), 201, nil)
		got := fmt.Sprint(decode[map[string]any](t, b)["tasks"])
		if want := fmt.Sprint(c.want); got != want {
			t.Errorf("%s: tasks %s, want %s", c.profile, got, want)
		}
		img, _ := h.srv.Image(1)
		if got := fmt.Sprint(img["tasks"]); got != fmt.Sprint(c.want) {
			t.Errorf("%s: Image() tasks %s", c.profile, got)
		}
	}
}

func TestBackendDuplicates(t *testing.T) {
	h := backendHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	_, b := h.do("POST", "/v1/docker/create", h.admin, yoloBody())
	want := `{"detail":"duplicate key value violates unique constraint \"docker_dockerimage_name_version_uniq\"\n` +
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

	for _, m := range []string{"PUT", "PATCH"} {
		body := map[string]any{"version": "v7_2022-10-08_cuda11.1"}
		if m == "PUT" {
			body = yoloBody()
		}
		st, b, hdr := h.doHeaders(m, "/v1/docker/3", h.admin, body, nil)
		if st != 500 || string(b) != serverErrorPage || hdr.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%s clash: %d %q %s", m, st, hdr.Get("Content-Type"), b)
		}
	}
	b = h.expect("GET", "/v1/docker/3", h.admin, nil, 200, nil)
	if decode[map[string]any](t, b)["version"] != "other" {
		t.Fatalf("failed update changed the image: %s", b)
	}
}

func TestBackendUnmappedMethod(t *testing.T) {
	h := backendHarness(t, Options{})
	for _, c := range [][2]string{{"GET", "/v1/docker/list"}, {"POST", "/v1/docker/1"}, {"GET", "/v1/docker/create"},
		{"DELETE", "/v1/cuda/list"}, {"GET", "/v1/licences/1/subdescriptors"}} {
		st, b := h.do(c[0], c[1], h.user, nil)
		if st != 500 || string(b) != serverErrorPage {
			t.Errorf("%s %s: %d %s", c[0], c[1], st, b)
		}
	}
	// Authentication still comes first.
	h.expect("GET", "/v1/docker/list", "", nil, 401, detailBody(msgNotAuthenticated))
	// The token endpoints are plain DRF views there too.
	st, b := h.do("GET", "/v1/auth/obtain", "", nil)
	if st != 500 || !strings.Contains(string(b), "Server Error (500)") {
		t.Errorf("GET obtain: %d %s", st, b)
	}
}

func TestDocumentedUnmappedMethod(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct{ method, path, allow string }{
		{"GET", "/v1/docker/list", "POST"},
		{"POST", "/v1/docker/1", "GET, PUT, PATCH, DELETE"},
		{"GET", "/v1/docker/create", "POST"},
		{"OPTIONS", "/v1/cuda/1", "GET, PUT, PATCH, DELETE"},
		{"GET", "/v1/licenses/1/subdescriptors", "PATCH"},
		{"GET", "/v1/auth/obtain", "POST"},
	} {
		st, b, hdr := h.doHeaders(c.method, c.path, h.user, nil, nil)
		if st != http.StatusMethodNotAllowed || hdr.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q", c.method, c.path, st, hdr.Get("Allow"))
			continue
		}
		assertJSON(t, b, detailBody(fmt.Sprintf("Method %q not allowed.", c.method)))
	}
	h.expect("GET", "/v1/docker/list", "", nil, 401, nil)
	_, b := h.do("GET", "/v1/docker/list", h.user, nil)
	if string(b) != `{"detail":"Method \"GET\" not allowed."}` {
		t.Errorf("405 body %s", b)
	}
}
