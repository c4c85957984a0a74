// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
)

const digest = "sha256:4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b"

func TestParseReference(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in                                   string
		domain, path, tag, digest, reg, repo string
	}{
		{"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
			"public.aml-repo.cms.waikato.ac.nz:443", "waikatodatamining/pytorch-yolov7", "2022-10-08_cuda11.1", "", "public.aml-repo.cms.waikato.ac.nz:443", "waikatodatamining/pytorch-yolov7"},
		{"ubuntu", "", "ubuntu", "", "", "docker.io", "library/ubuntu"},
		{"ubuntu:22.04", "", "ubuntu", "22.04", "", "docker.io", "library/ubuntu"},
		{"team/app@" + digest, "", "team/app", "", digest, "docker.io", "team/app"},
		{"localhost/app:v1", "localhost", "app", "v1", "", "localhost", "app"},
		{"localhost:5000/a/b/c:v1@" + digest, "localhost:5000", "a/b/c", "v1", digest, "localhost:5000", "a/b/c"},
		{"[::1]:5000/app:v1", "[::1]:5000", "app", "v1", "", "[::1]:5000", "app"},
		{"registry.example.com/a__b/c-d.e_f:V1.x-y", "registry.example.com", "a__b/c-d.e_f", "V1.x-y", "", "registry.example.com", "a__b/c-d.e_f"},
	} {
		r, err := registry.ParseReference(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		got := []string{r.Domain, r.Path, r.Tag, r.Digest, r.Registry(), r.Repository()}
		want := []string{tc.domain, tc.path, tc.tag, tc.digest, tc.reg, tc.repo}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", tc.in, got, want)
		}
		if r.String() != tc.in {
			t.Errorf("%s: String() = %q", tc.in, r.String())
		}
	}
}

func TestParseReferenceErrors(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                                      "it is empty",
		"https://registry.example.com/app:v1":   "starts with a scheme (https://)",
		"registry.example.com/App:v1":           `repository "App" must be lower case`,
		"registry.example.com:443/":             "names no repository",
		"registry.example.com/team//app:v1":     "empty path component",
		"registry.example.com/-app:v1":          `path component "-app" is not valid`,
		"registry.example.com/app:-v1":          `tag "-v1" is not valid`,
		"registry.example.com/app:v1@sha256:ab": "not of the form algorithm:hex",
		"registry.example.com/app@md5:" + strings.Repeat("a", 32):    `algorithm "md5" is not one Docker pulls by`,
		"registry.example.com/app@sha256:" + strings.Repeat("a", 63): "has 63",
		"registry.example.com/app@sha256:" + strings.Repeat("A", 64): "must be lower case",
		"registry.example.com:99999/app:v1":                          "port 99999",
		"registry.example.com/app v1":                                "white space",
		"registry.example.com/" + strings.Repeat("a", 250):           "more than Docker's 255",
	} {
		_, err := registry.ParseReference(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseReference(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestPin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"host:443/team/app:v1": "host:443/team/app:v1@" + digest,
		"host:443/team/app":    "host:443/team/app@" + digest,
		"host:443/team/app:v1@sha256:" + strings.Repeat("0", 64): "host:443/team/app:v1@" + digest,
		"ubuntu:22.04": "ubuntu:22.04@" + digest,
	} {
		r, err := registry.ParseReference(in)
		if err != nil {
			t.Fatalf("ParseReference(%q): %v", in, err)
		}
		got, err := r.Pin(digest)
		if err != nil || got != want {
			t.Errorf("Pin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := (registry.Reference{Domain: "host", Path: "app", Tag: "v1"}).Pin("latest"); err == nil {
		t.Error("Pin accepted a digest that is not one")
	}
}

func TestRegistryHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"public.aml-repo.cms.waikato.ac.nz:443": "public.aml-repo.cms.waikato.ac.nz:443",
		"https://Registry.Example.com:443/":     "registry.example.com:443",
		"https://index.docker.io/v1/":           "docker.io",
		"registry-1.docker.io":                  "docker.io",
		"http://localhost:5000":                 "localhost:5000",
	} {
		if got := registry.RegistryHost(in); got != want {
			t.Errorf("RegistryHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckEntry(t *testing.T) {
	t.Parallel()
	const reg = "registry.example.com:443"
	type want struct {
		sev     registry.Severity
		field   string
		summary string
		detail  string
	}
	for name, tc := range map[string]struct {
		url, registryURL string
		user             bool
		want             []want
	}{
		"fine":                {reg + "/team/app:v1", reg, true, nil},
		"fine pinned":         {reg + "/team/app@" + digest, "https://" + reg + "/", true, nil},
		"docker hub":          {"team/app:v1", "https://index.docker.io/v1/", true, nil},
		"invalid":             {reg + "/Team/app:v1", reg, true, []want{{registry.Error, "url", "Invalid Image Reference", `repository "Team/app" must be lower case`}}},
		"other registry":      {"other.example.com/team/app:v1", reg, true, []want{{registry.Error, "registry_url", "Image Not On The Login Registry", "the login is made to one registry and the pull to another"}}},
		"other port":          {"registry.example.com/team/app:v1", reg, true, []want{{registry.Error, "registry_url", "Image Not On The Login Registry", "differ only in the port"}}},
		"other, no login":     {"other.example.com/team/app:v1", reg, false, []want{{registry.Warning, "registry_url", "Image Not On The Registry Of registry_url", "the launcher does not log in"}}},
		"no tag":              {reg + "/team/app", reg, true, []want{{registry.Warning, "url", "Image Without Tag", "every worker pulls " + reg + "/team/app:latest"}}},
		"hub image, no login": {"ubuntu", reg, false, []want{{registry.Warning, "registry_url", "Image Not On The Registry Of registry_url", "pulled from docker.io"}, {registry.Warning, "url", "Image Without Tag", "ubuntu:latest"}}},
	} {
		got := registry.CheckEntry(tc.url, tc.registryURL, tc.user)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d findings, want %d: %+v", name, len(got), len(tc.want), got)
			continue
		}
		for i, w := range tc.want {
			g := got[i]
			if g.Severity != w.sev || g.Field != w.field || g.Summary != w.summary || !strings.Contains(g.Detail, w.detail) {
				t.Errorf("%s: finding %d = %+v, want %+v", name, i, g, w)
			}
		}
	}
}

// TestSeedCatalogPasses: every image of the real deployment's catalog passes the offline
// checks without an error or a warning.
func TestSeedCatalogPasses(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../refserver/seed/docker_images/*.json")
	if err != nil || len(files) != 23 {
		t.Fatalf("want the 23 seed images, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var img struct {
			URL      string `json:"url"`
			Registry struct {
				URL      string `json:"url"`
				User     string `json:"user"`
				Password string `json:"password"`
			} `json:"registry"`
		}
		if err := json.Unmarshal(b, &img); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if img.URL == "" || img.Registry.URL == "" {
			t.Fatalf("%s: no url or registry url: the seed format changed", f)
		}
		if got := registry.CheckEntry(img.URL, img.Registry.URL, img.Registry.User != ""); len(got) != 0 {
			t.Errorf("%s: %+v", filepath.Base(f), got)
		}
		if img.Registry.User != "" && img.Registry.Password == "" {
			t.Errorf("%s: a username without a password", filepath.Base(f))
		}
	}
}

// FuzzParseReference: a reference that parses prints back as written, its parts parse on
// their own, and pinning it keeps its name and tag.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		"ubuntu", "localhost:5000/a/b@" + digest, "[::1]:5000/app:v1", "a.b/c__d-e:f", "https://x/y", "x/Y:z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := registry.ParseReference(s)
		if err != nil {
			return
		}
		if r.String() != s {
			t.Fatalf("ParseReference(%q).String() = %q", s, r.String())
		}
		back, err := registry.ParseReference(r.Name())
		if err != nil || back.Name() != r.Name() || back.Tag != "" || back.Digest != "" {
			t.Fatalf("the name %q of %q does not parse alone: %+v %v", r.Name(), s, back, err)
		}
		pinned, err := r.Pin(digest)
		if err != nil {
			t.Fatalf("Pin(%q): %v", s, err)
		}
		p, err := registry.ParseReference(pinned)
		if err != nil || p.Name() != r.Name() || p.Tag != r.Tag || p.Digest != digest {
			t.Fatalf("Pin(%q) = %q, which parses as %+v (%v)", s, pinned, p, err)
		}
	})
}
