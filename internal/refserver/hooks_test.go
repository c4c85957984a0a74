// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"errors"
	"reflect"
	"testing"
)

func TestCallCountersAndRequests(t *testing.T) {
	h := newHarness(t, Options{})
	h.expect("POST", "/v1/docker/create", h.admin, yoloBody(), 201, nil)
	h.expect("GET", "/v1/docker/1", h.user, nil, 200, nil)
	h.expect("GET", "/v1/docker/1/", h.user, nil, 200, nil)
	h.expect("PATCH", "/v1/docker/1", h.admin, map[string]any{"cpu": true}, 200, nil)
	h.expect("POST", "/v1/docker/list", h.user, nil, 200, nil)
	h.expect("GET", "/v1/nowhere", h.user, nil, 404, nil)
	want := map[string]int{
		"POST /v1/docker/create": 1, "GET /v1/docker/{pk}": 2, "PATCH /v1/docker/{pk}": 1,
		"POST /v1/docker/list": 1, "GET /v1/nowhere": 1,
	}
	if got := h.srv.CallCounts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("counts %v", got)
	}
	if h.srv.Calls("GET /v1/docker/{pk}") != 2 || h.srv.Calls("DELETE /v1/docker/{pk}") != 0 {
		t.Fatal("Calls disagrees with CallCounts")
	}
	reqs := h.srv.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[3]
	if r.Method != "PATCH" || r.Route != "/v1/docker/{pk}" || r.Path != "/v1/docker/1" || r.Status != 200 || string(r.Body) != `{"cpu":true}` {
		t.Fatalf("request %+v", r)
	}
	if reqs[2].Path != "/v1/docker/1/" || reqs[4].Body != nil {
		t.Fatalf("requests %+v", reqs)
	}
	h.srv.ResetCalls()
	if len(h.srv.CallCounts()) != 0 || len(h.srv.Requests()) != 0 {
		t.Fatal("ResetCalls left something")
	}
}

func TestRecordLimit(t *testing.T) {
	h := newHarness(t, Options{RecordLimit: 2})
	for _, p := range []string{"/v1/cuda/1", "/v1/cuda/2", "/v1/cuda/3"} {
		h.expect("GET", p, h.user, nil, 200, nil)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/v1/cuda/2" || reqs[1].Path != "/v1/cuda/3" {
		t.Fatalf("requests %+v", reqs)
	}
	if h.srv.Calls("GET /v1/cuda/{pk}") != 3 {
		t.Fatal("the limit must not affect the counters")
	}
}

func TestDirectDataAccess(t *testing.T) {
	h := newHarness(t, Options{})
	pk, err := h.srv.CreateImage(yoloBody())
	if err != nil || pk != 1 {
		t.Fatalf("CreateImage: %d, %v", pk, err)
	}
	img, ok := h.srv.Image(1)
	if !ok || img["pk"] != int64(1) || img["domain"] != "Object Detection" || img["registry_username"] != "public" {
		t.Fatalf("Image: %v", img)
	}
	if cuda := img["cuda_version"].(map[string]any); cuda["version"] != "11.1" || cuda["pk"] != int64(10) {
		t.Fatalf("cuda %v", cuda)
	}
	if hw := img["min_hardware_generation"].(map[string]any); hw["min_compute_capability"] != 6.0 {
		t.Fatalf("generation %v", hw)
	}
	if !reflect.DeepEqual(img["tasks"], []string{"Predict", "Train"}) {
		t.Fatalf("tasks %#v", img["tasks"])
	}

	// Out-of-band change: visible over HTTP.
	if err := h.srv.PatchImage(1, map[string]any{"registry_username": nil, "version": "changed"}); err != nil {
		t.Fatal(err)
	}
	h.expect("GET", "/v1/docker/1", h.user, nil, 200,
		with(yoloResponse(), "registry_username", nil, "version", "changed"))
	img, _ = h.srv.Image(1)
	if img["registry_username"] != nil {
		t.Fatalf("null is not nil: %#v", img["registry_username"])
	}

	// Validation still applies; errors carry the API's status and body.
	_, err = h.srv.CreateImage(with(yoloBody(), "licence", "X"))
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Body != `{"licence":["Object with name=X does not exist."]}` {
		t.Fatalf("CreateImage error %v", err)
	}
	_, err = h.srv.CreateImage(with(yoloBody(), "version", "changed"))
	if !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("duplicate CreateImage: %v", err)
	}
	if err := h.srv.PatchImage(1, map[string]any{"framework": 99}); !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("PatchImage: %v", err)
	}
	if err := h.srv.PatchImage(9, map[string]any{}); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Fatalf("PatchImage of a missing image: %v", err)
	}
	if _, err := h.srv.CreateImage(map[string]any{"name": make(chan int)}); err == nil {
		t.Fatal("unmarshallable body accepted")
	}

	pk2, _ := h.srv.CreateImage(with(yoloBody(), "version", "2"))
	if imgs := h.srv.Images(); len(imgs) != 2 || imgs[0]["pk"] != int64(1) || imgs[1]["pk"] != pk2 {
		t.Fatalf("Images %v", imgs)
	}
	h.srv.AddReference(1)
	if err := h.srv.DeleteImage(1); !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("DeleteImage of a referenced image: %v", err)
	}
	h.srv.RemoveReference(1)
	h.srv.RemoveReference(1) // more removals than additions are harmless
	if err := h.srv.DeleteImage(1); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.DeleteImage(1); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Fatalf("second DeleteImage: %v", err)
	}
	if _, ok := h.srv.Image(1); ok {
		t.Fatal("deleted image still there")
	}
	h.expect("GET", "/v1/docker/1", h.user, nil, 404, nil)
	if apiErr.Error() == "" {
		t.Fatal("empty error text")
	}
}
