// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The tests in this file rename a row into a natural key that another client takes between
// the plan and the write: the plan finds the key free, the PATCH meets the clash. The real
// backend answers that PATCH with an HTML 500 and no word of the reason; the client retries a
// write's 500 once, and the provider then looks the key up and says who holds it. The proxy
// makes the other client's create at the very moment the PATCH arrives, on the reference
// server and, with UFDL_ACC_EXTERNAL=1, on the real backend.

// takeOnPatch makes the proxy run take when the first PATCH to route arrives, before the
// server sees it; the returned function gives take's result once it has run.
func takeOnPatch(t *testing.T, srv *acctest.Server, route string, take func() (int64, error)) func() int64 {
	var once sync.Once
	var pk int64
	var err error
	srv.Proxy.AddFault(acctest.Fault{Method: http.MethodPatch, Route: route, Times: 1, Before: func(*http.Request) {
		once.Do(func() { pk, err = take() })
	}})
	return func() int64 {
		t.Helper()
		if hits := srv.Proxy.Hits(); hits[0] != 1 {
			t.Fatalf("no PATCH of %s reached the server", route)
		}
		if err != nil {
			t.Fatalf("taking the key before the PATCH: %v", err)
		}
		return pk
	}
}

// expectTakenKeyError checks the failed apply's output: one error, that names the row in the
// way, and the PATCH sent twice (the first attempt and one retry of its 500).
func expectTakenKeyError(t *testing.T, srv *acctest.Server, out, route string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("the error does not say %q:\n%s", w, out)
		}
	}
	errs := 0
	for _, d := range cliDiagnostics(out) {
		if d.severity == "Error" {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("%d errors, want 1:\n%s", errs, out)
	}
	if got := srv.Calls("PATCH " + route); got != 2 {
		t.Errorf("the PATCH met the clash %d times, want 2 (a write's 500 is retried once)", got)
	}
}

// TestAccDockerImage_renameIntoKeyTakenAtApply renames an image into a (name, version) that
// another client creates while the apply runs.
func TestAccDockerImage_renameIntoKeyTakenAtApply(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServerBehindProxy(t, backendLike)
	name := acctest.Name("clash")
	srv.RemoveAtEnd(t, name)
	attrs := gpuImage(t, srv, name)
	w := acctest.NewWorkdir(t, imageConfig(cliProviderBlock(srv), attrs))
	cli := acctest.NewCLI(t, w, nil)
	cli.Must("apply", "-auto-approve")

	writeConfig(t, w.Dir, imageConfig(cliProviderBlock(srv), with(attrs, "version", `"v8"`)))
	taken := takeOnPatch(t, srv, "/v1/docker/{pk}", func() (int64, error) {
		var created struct {
			PK int64 `json:"pk"`
		}
		err := srv.API(http.MethodPost, "/v1/docker/create", imageBody(t, srv, name, "v8", "registry.example.com:443/other/x:v8", "Train"), &created)
		return created.PK, err
	})
	srv.ResetCalls()
	out := cli.MustFail("apply", "-auto-approve")
	other := taken()
	expectTakenKeyError(t, srv, out, "/v1/docker/{pk}", "Docker Image Already Exists",
		fmt.Sprintf("The server already holds image %d named %q with version %q", other, name, "v8"), "Choose another name or version")

	images, err := srv.ImagesNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range images {
		if acctest.PK(img) != other && img["version"] != "v7_2022-10-08_cuda11.1" {
			t.Errorf("the refused rename changed image %d: version %v", acctest.PK(img), img["version"])
		}
	}
	if len(images) != 2 {
		t.Errorf("the server holds %d images named %s, want the managed one and the other client's", len(images), name)
	}
}

// TestAccFramework_renameIntoKeyTakenAtApply renames a framework (a catalog table) into a
// (name, version) that another client creates while the apply runs.
func TestAccFramework_renameIntoKeyTakenAtApply(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServerBehindProxy(t, backendLike)
	name := acctest.Name("fwclash")
	srv.RemoveRowsAtEnd(t, "/v1/frameworks", "name", name)
	framework := func(version string) string {
		return cliProviderBlock(srv) + fmt.Sprintf("resource \"ufdl_framework\" \"test\" {\n  name    = %q\n  version = %q\n}\n", name, version)
	}
	w := acctest.NewWorkdir(t, framework("1"))
	cli := acctest.NewCLI(t, w, nil)
	cli.Must("apply", "-auto-approve")

	writeConfig(t, w.Dir, framework("2"))
	taken := takeOnPatch(t, srv, "/v1/frameworks/{pk}", func() (int64, error) {
		var created struct {
			PK int64 `json:"pk"`
		}
		err := srv.API(http.MethodPost, "/v1/frameworks/create", map[string]any{"name": name, "version": "2"}, &created)
		return created.PK, err
	})
	srv.ResetCalls()
	out := cli.MustFail("apply", "-auto-approve")
	other := taken()
	expectTakenKeyError(t, srv, out, "/v1/frameworks/{pk}", "Framework Already Exists", fmt.Sprintf("The server already holds framework %d", other))

	rows, err := srv.RowsWhere("/v1/frameworks", "name", name)
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]int{}
	for _, row := range rows {
		versions[fmt.Sprint(row["version"])]++
	}
	if len(rows) != 2 || versions["1"] != 1 || versions["2"] != 1 {
		t.Errorf("the server holds frameworks %v named %s, want versions 1 (unchanged) and 2 (the other client's)", rows, name)
	}
}
