// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestImageSpecJSON(t *testing.T) {
	spec := ImageSpec{Name: "n", Version: "v", URL: "u", RegistryURL: "r", CUDAVersion: "11.1", Framework: 17, Domain: "od", Licence: "MIT", CPU: true}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"n","version":"v","url":"u","registry_url":"r","registry_username":null,"registry_password":null,"cuda_version":"11.1","framework":17,"domain":"od","tasks":[],"min_hardware_generation":null,"cpu":true,"licence":"MIT"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestImageCRUDBodies(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	spec := yoloSpec()

	img, err := c.CreateImage(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if img.PK != 1 || img.Domain != "Object Detection" || img.CUDAVersion.FullVersion != "11.1.1" ||
		img.Framework.Name != "yolo" || img.MinHardwareGeneration.Generation != "Pascal" {
		t.Errorf("created %+v", img)
	}
	wantCreate := `{"name":"yolo","version":"v7_2022-10-08_cuda11.1","url":"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1","registry_url":"public.aml-repo.cms.waikato.ac.nz:443","registry_username":"public","registry_password":"reg-Secret-77","cuda_version":"11.1","framework":17,"domain":"od","tasks":["Train","Predict"],"min_hardware_generation":"Pascal","cpu":false,"licence":"GPL3"}`
	if got := f.requestBodies("POST /v1/docker/create"); len(got) != 1 || got[0] != wantCreate {
		t.Errorf("create body:\n%v\nwant\n%s", got, wantCreate)
	}

	got, err := c.GetImage(ctx, img.PK)
	if err != nil || got.Name != "yolo" {
		t.Fatalf("get: %v %v", got, err)
	}

	// PATCH: only the listed fields; nil pointers become explicit nulls.
	spec.RegistryUsername, spec.RegistryPassword = nil, nil
	spec.MinHardwareGeneration, spec.CPU = nil, true
	spec.Licence = "ignored, not listed"
	patched, err := c.PatchImage(ctx, img.PK, spec, []string{FieldRegistryUsername, FieldRegistryPassword, FieldMinHardwareGeneration, FieldCPU})
	if err != nil {
		t.Fatal(err)
	}
	wantPatch := `{"cpu":true,"min_hardware_generation":null,"registry_password":null,"registry_username":null}`
	if got := f.requestBodies("PATCH /v1/docker/{pk}"); len(got) != 1 || got[0] != wantPatch {
		t.Errorf("patch body %v, want %s", got, wantPatch)
	}
	if patched.RegistryPassword != nil || patched.MinHardwareGeneration != nil || !patched.CPU || patched.Licence != "GPL3" {
		t.Errorf("patched %+v", patched)
	}

	// Tasks cleared with PATCH are sent as [], not null.
	spec.Tasks = nil
	if _, err := c.PatchImage(ctx, img.PK, spec, []string{FieldTasks}); err != nil {
		t.Fatal(err)
	}
	if got := f.requestBodies("PATCH /v1/docker/{pk}"); got[1] != `{"tasks":[]}` {
		t.Errorf("tasks patch body %s", got[1])
	}

	// PUT: the whole object.
	spec = yoloSpec()
	spec.Version = "v8"
	replaced, err := c.ReplaceImage(ctx, img.PK, spec)
	if err != nil {
		t.Fatal(err)
	}
	if replaced.Version != "v8" {
		t.Errorf("replaced %+v", replaced)
	}
	if got := f.requestBodies("PUT /v1/docker/{pk}"); len(got) != 1 || !strings.Contains(got[0], `"version":"v8"`) || !strings.Contains(got[0], `"licence":"GPL3"`) {
		t.Errorf("put body %v", got)
	}

	list, err := c.ListImages(ctx, &Filter{Expressions: []Expression{{Type: ExprContains, Field: "name", SubString: "yo"}}})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if got := f.requestBodies("POST /v1/docker/list"); got[0] != `{"expressions":[{"type":"contains","field":"name","sub_string":"yo"}],"order_by":[]}` {
		t.Errorf("list body %s", got[0])
	}

	if err := c.DeleteImage(ctx, img.PK); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetImage(ctx, img.PK); !IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
	if err := c.DeleteImage(ctx, img.PK); !IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
}

func TestPatchImageRefusesUnknownField(t *testing.T) {
	f := newFake(t)
	c := f.client()
	_, err := c.PatchImage(context.Background(), 1, yoloSpec(), []string{"licence", "colour"})
	if err == nil || !strings.Contains(err.Error(), `"colour" is not a docker image field`) {
		t.Errorf("error %v", err)
	}
	f.wantCalls("PATCH /v1/docker/{pk}", 0)
}

func TestInvalidPK(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	if _, err := c.GetImage(ctx, 0); err == nil {
		t.Error("GetImage(0) accepted")
	}
	if err := c.DeleteImage(ctx, -3); err == nil {
		t.Error("DeleteImage(-3) accepted")
	}
	if len(f.calls) != 0 {
		t.Errorf("calls made: %v", f.calls)
	}
}

func TestFindImage(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	spec := yoloSpec()
	pk := f.put(spec)
	other := spec
	other.Version = "other"
	f.put(other)

	img, err := c.FindImage(ctx, spec.Name, spec.Version)
	if err != nil || img == nil || img.PK != pk {
		t.Fatalf("found %v %v", img, err)
	}
	wantBody := `{"expressions":[{"type":"exact","field":"name","value":"yolo"},{"type":"exact","field":"version","value":"v7_2022-10-08_cuda11.1"}],"order_by":[]}`
	if got := f.requestBodies("POST /v1/docker/list"); got[0] != wantBody {
		t.Errorf("find body %s", got[0])
	}
	img, err = c.FindImage(ctx, "nope", "v1")
	if err != nil || img != nil {
		t.Errorf("missing image: %v %v", img, err)
	}
}

// A server that ignores the filter cannot make FindImage return another image.
func TestFindImageRechecksMatch(t *testing.T) {
	f := newFake(t)
	spec := yoloSpec()
	spec.Name = "other"
	f.put(spec)
	f.intercept("POST", "/v1/docker/list", -1, func(f *fake, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		f.listImages(w, nil) // everything, unfiltered
		return true
	})
	c := f.client()
	img, err := c.FindImage(context.Background(), "yolo", spec.Version)
	if err != nil || img != nil {
		t.Errorf("got %v %v, want nil, nil", img, err)
	}
}

// The real backend names an image once per task link that a filter reaches through; a
// list holds each image once, in the order of its first appearance.
func TestListImagesDropsRepeats(t *testing.T) {
	f := newFake(t)
	first := yoloSpec()
	second := yoloSpec()
	second.Version = "v8"
	f.put(first)
	f.put(second)
	f.intercept("POST", "/v1/docker/list", -1, func(f *fake, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		rec := httptest.NewRecorder()
		f.listImages(rec, nil)
		var images []json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &images); err != nil || len(images) != 2 {
			t.Errorf("fake list: %v, %d images", err, len(images))
		}
		body, _ := json.Marshal([]json.RawMessage{images[1], images[0], images[1], images[0]})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return true
	})
	list, err := f.client().ListImages(context.Background(), &Filter{Expressions: []Expression{{Type: ExprExact, Field: "tasks__name", Value: "Train"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Version != "v8" || list[1].Version != first.Version {
		t.Errorf("list %+v, want v8 then %s, once each", list, first.Version)
	}
}
