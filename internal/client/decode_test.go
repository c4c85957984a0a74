// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const goodImage = `{"pk": 12, "name": "yolo", "version": "v7", "url": "r:443/y:1", "registry_url": "r:443",
 "registry_username": null, "registry_password": "pw",
 "cuda_version": {"pk": 1, "version": "11.1", "full_version": "11.1.1", "min_driver_version": "455.32"},
 "framework": {"pk": 17, "name": "yolo", "version": "v7"}, "domain": "Object Detection",
 "tasks": ["Predict", "Train"], "min_hardware_generation": {"pk": 1, "generation": "Pascal", "min_compute_capability": 6.0, "max_compute_capability": 7.0},
 "cpu": false, "licence": "GPL3", "extra_field_from_a_newer_server": 1}`

func TestDecodeImageGood(t *testing.T) {
	img, reason := decodeImage([]byte(goodImage))
	if reason != "" {
		t.Fatal(reason)
	}
	if img.PK != 12 || img.CUDAVersion.FullVersion != "11.1.1" || img.Framework.PK != 17 ||
		img.MinHardwareGeneration.Generation != "Pascal" || img.RegistryUsername != nil ||
		*img.RegistryPassword != "pw" || len(img.Tasks) != 2 || img.Domain != "Object Detection" {
		t.Errorf("decoded %+v", img)
	}
}

func TestDecodeImageReasons(t *testing.T) {
	replace := func(old, replacement string) string {
		if !strings.Contains(goodImage, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(goodImage, old, replacement, 1)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"empty", "", "the body is empty"},
		{"spaces", " \n ", "the body is empty"},
		{"truncated", goodImage[:60], "the JSON is truncated"},
		{"html", "<html><title>Oops</title></html>", "it is an HTML page (Oops)"},
		{"array", "[]", "expected a JSON object, got an array"},
		{"null", "null", "expected a JSON object, got null"},
		{"garbage", "hello world", `it is not JSON (starts with "hello world")`},
		{"trailing garbage", goodImage + "}", "invalid JSON at byte"},
		{"pk string", replace(`"pk": 12`, `"pk": "12"`), `field "pk" is a JSON string, expected an integer`},
		{"pk float", replace(`"pk": 12`, `"pk": 1.5`), `field "pk" is a JSON number, expected an integer`},
		{"pk zero", replace(`"pk": 12`, `"pk": 0`), `field "pk" is 0, not a primary key`},
		{"cpu string", replace(`"cpu": false`, `"cpu": "no"`), `field "cpu" is a JSON string, expected a boolean`},
		{"cuda as string", replace(`"cuda_version": {"pk": 1, "version": "11.1", "full_version": "11.1.1", "min_driver_version": "455.32"}`, `"cuda_version": "11.1"`),
			`field "cuda_version" is a JSON string, expected an object`},
		{"nested type", replace(`"framework": {"pk": 17`, `"framework": {"pk": "17"`), `field "framework.pk" is a JSON string, expected an integer`},
		{"tasks not list", replace(`"tasks": ["Predict", "Train"]`, `"tasks": "Train"`), `field "tasks" is a JSON string, expected an array`},
		{"missing licence", replace(`, "licence": "GPL3"`, ``), `missing field "licence"`},
		{"null domain", replace(`"domain": "Object Detection"`, `"domain": null`), `field "domain" must not be null`},
		{"empty name", replace(`"name": "yolo", "version"`, `"name": "", "version"`), `field "name" is empty`},
		{"framework without pk", replace(`"framework": {"pk": 17, `, `"framework": {`), `field "framework" has no pk`},
	} {
		_, reason := decodeImage([]byte(tc.body))
		if !strings.Contains(reason, tc.want) {
			t.Errorf("%s: reason %q, want %q", tc.name, reason, tc.want)
		}
	}
}

func TestDecodeImagesReasons(t *testing.T) {
	if list, reason := decodeImages([]byte("[" + goodImage + "," + goodImage + "]")); reason != "" || len(list) != 2 {
		t.Fatalf("list: %d, %q", len(list), reason)
	}
	if list, reason := decodeImages([]byte("[]")); reason != "" || list == nil || len(list) != 0 {
		t.Fatalf("empty list: %v, %q", list, reason)
	}
	_, reason := decodeImages([]byte("[" + goodImage + `, {"pk": 3}]`))
	if !strings.HasPrefix(reason, `item 1: missing field "name"`) {
		t.Errorf("reason %q", reason)
	}
	_, reason = decodeImages([]byte(`{"count": 0, "results": []}`))
	if reason != "expected a JSON array, got an object" {
		t.Errorf("reason %q", reason)
	}
}

// Garbage answers from a server reach the caller as a DecodeError naming the
// endpoint, never as raw decoder text.
func TestGarbageAnswers(t *testing.T) {
	for _, tc := range []struct{ name, ctype, body, want string }{
		{"empty 200", "application/json", "", "GET /v1/docker/4: 200 OK but the body is not a docker image: the body is empty"},
		{"truncated", "application/json", goodImage[:100], "GET /v1/docker/4: 200 OK but the body is not a docker image: the JSON is truncated"},
		{"wrong types", "application/json", strings.Replace(goodImage, `"cpu": false`, `"cpu": 1`, 1),
			`GET /v1/docker/4: 200 OK but the body is not a docker image: field "cpu" is a JSON number, expected a boolean`},
		{"html 200", "text/html", "<html><head><title>Login - Proxy</title></head></html>",
			"GET /v1/docker/4: 200 OK but the body is not a docker image: it is an HTML page (Login - Proxy)"},
		{"another image", "application/json", goodImage,
			"GET /v1/docker/4: 200 OK but the body is not a docker image: it describes pk 12, not pk 4 as asked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.intercept("GET", "/v1/docker/{pk}", -1, status(200, tc.ctype, tc.body))
			c := f.client()
			img, err := c.GetImage(context.Background(), 4)
			if img != nil {
				t.Errorf("got an image from garbage: %+v", img)
			}
			var de *DecodeError
			if !errors.As(err, &de) || err.Error() != atHost(tc.want, f.srv.URL) {
				t.Errorf("error =\n%v\nwant\n%s", err, tc.want)
			}
			if n := f.count("GET /v1/docker/{pk}"); n != 1 {
				t.Errorf("GET calls = %d, want 1 (garbage is not retried)", n)
			}
		})
	}
}

func TestGarbageTokenAnswer(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/auth/obtain", -1, status(200, "application/json", `{"access": 5, "refresh": "r"}`))
	c := f.client()
	err := c.Login(context.Background())
	want := `POST /v1/auth/obtain: 200 OK but the body is not a token pair: field "access" is a JSON number, expected a string`
	if err == nil || err.Error() != atHost(want, f.srv.URL) {
		t.Errorf("error = %v, want %q", err, atHost(want, f.srv.URL))
	}
}

func FuzzDecodeImage(f *testing.F) {
	f.Add([]byte(goodImage))
	f.Add([]byte(""))
	f.Add([]byte("null"))
	f.Add([]byte(`{"pk": "x"}`))
	f.Add([]byte(`<html><title>x</title>`))
	f.Add([]byte(goodImage[:70]))
	f.Fuzz(func(t *testing.T, body []byte) {
		img, reason := decodeImage(body)
		if (img == nil) == (reason == "") {
			t.Fatalf("image %v with reason %q", img, reason)
		}
		if img != nil && (img.PK <= 0 || img.Name == "" || img.CUDAVersion.Version == "") {
			t.Fatalf("accepted an invalid image %+v", img)
		}
		list, reason := decodeImages(body)
		if list != nil && reason != "" {
			t.Fatalf("list with reason %q", reason)
		}
	})
}

func FuzzParseErrorBody(f *testing.F) {
	f.Add([]byte(`{"licence": ["Object with name=XYZ does not exist."]}`), "application/json")
	f.Add([]byte(`{"detail": {"a": [1, null, {"b": true}]}}`), "application/json")
	f.Add([]byte("<html><title>x</title></html>"), "text/html")
	f.Add([]byte(`<pre class="exception_value">`), "")
	f.Add([]byte(`["a", 1]`), "")
	f.Add([]byte{0xff, 0xfe, '<'}, "text/html")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		e := parseErrorBody(body, ctype)
		e.Method, e.Path, e.Status = "GET", "/v1/docker/1", 500
		msg := e.Error()
		if !strings.HasPrefix(msg, "GET /v1/docker/1: 500 Internal Server Error") {
			t.Fatalf("message %q", msg)
		}
		if len(e.Summary) > 1000 {
			t.Fatalf("summary too long: %d bytes", len(e.Summary))
		}
	})
}

func FuzzDecodeTokens(f *testing.F) {
	f.Add([]byte(`{"access": "a", "refresh": "b"}`))
	f.Add([]byte(`{"access": null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var tp tokenPair
		if decodeTokens(body, &tp, true) == "" && (tp.Access == "" || tp.Refresh == "") {
			t.Fatalf("accepted empty tokens from %q", body)
		}
		var raw any
		_ = json.Unmarshal(body, &raw)
	})
}
