// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

func mustParse(t *testing.T, s string) registry.Reference {
	t.Helper()
	r, err := registry.ParseReference(s)
	if err != nil {
		t.Fatalf("ParseReference(%q): %v", s, err)
	}
	return r
}

// problemOf returns err as a *registry.Problem, failing t when it is not one.
func problemOf(t *testing.T, err error) *registry.Problem {
	t.Helper()
	var p *registry.Problem
	if !errors.As(err, &p) {
		t.Fatalf("want a *registry.Problem, got %T: %v", err, err)
	}
	return p
}

func requestLines(reqs []registrytest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status)
	}
	return out
}

func expectRequests(t *testing.T, got []registrytest.Request, want ...string) {
	t.Helper()
	lines := requestLines(got)
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("registry requests:\n  %s\nwant:\n  %s", strings.Join(lines, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestDistributionManifestTypes pushes every manifest type to a real registry and checks that
// the digest resolved is the one pushed: the Accept header lets the registry answer with the
// manifest itself, not a schema 1 conversion, the linux/amd64 child of a list, or a 404 for
// an OCI manifest (each of which distribution 2.8 answers to a narrower Accept).
func TestDistributionManifestTypes(t *testing.T) {
	t.Parallel()
	reg := registrytest.StartDistribution(t, false)
	kinds := map[string]registrytest.Kind{
		"team/docker": registrytest.DockerImage, "team/oci": registrytest.OCIImage,
		"team/list": registrytest.DockerList, "team/index": registrytest.OCIIndex,
	}
	pushed := map[string]string{}
	for repo, k := range kinds {
		pushed[repo] = reg.Push(t, repo+":v1", k)
	}
	c := registry.New(registry.Config{Retries: registry.DefaultRetries})
	for _, repo := range []string{"team/docker", "team/oci", "team/list", "team/index"} {
		m, err := c.Resolve(context.Background(), mustParse(t, reg.Host+"/"+repo+":v1"), registry.Credentials{})
		if err != nil {
			t.Fatalf("%s: %v", repo, err)
		}
		if m.Digest != pushed[repo] {
			t.Errorf("%s: resolved %s (%s), pushed %s", repo, m.Digest, m.MediaType, pushed[repo])
		}
	}
	expectRequests(t, reg.Requests(),
		"GET /v2/ 200", "HEAD /v2/team/docker/manifests/v1 200",
		"GET /v2/ 200", "HEAD /v2/team/oci/manifests/v1 200",
		"GET /v2/ 200", "HEAD /v2/team/list/manifests/v1 200",
		"GET /v2/ 200", "HEAD /v2/team/index/manifests/v1 200")

	// By digest too, and the same questions again cost nothing.
	if _, err := c.Resolve(context.Background(), mustParse(t, reg.Host+"/team/docker:v1@"+pushed["team/docker"]), registry.Credentials{}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Resolve(context.Background(), mustParse(t, reg.Host+"/team/oci:v1"), registry.Credentials{}); err != nil {
			t.Fatal(err)
		}
	}
	expectRequests(t, reg.Requests(), "HEAD /v2/team/docker/manifests/"+pushed["team/docker"]+" 200")
}

// TestDistributionMissingAndMovedTags covers a tag that is not there, a repository that is not
// there, and a tag pushed again: a new process (Checker) sees the new digest.
func TestDistributionMissingAndMovedTags(t *testing.T) {
	t.Parallel()
	reg := registrytest.StartDistribution(t, false)
	first := reg.Push(t, "team/app:2022-10-08_cuda11.1", registrytest.DockerImage)
	reg.Push(t, "team/app:2022-11-05_cuda11.1", registrytest.DockerImage)
	c := registry.New(registry.Config{Retries: registry.DefaultRetries})

	_, err := c.Resolve(context.Background(), mustParse(t, reg.Host+"/team/app:2022-10-09_cuda11.1"), registry.Credentials{})
	p := problemOf(t, err)
	if p.Kind != registry.KindNotFound || !strings.Contains(p.Detail, `no manifest for tag "2022-10-09_cuda11.1" in repository team/app`) ||
		!strings.Contains(p.Detail, `closest to it: "2022-10-08_cuda11.1", "2022-11-05_cuda11.1"`) {
		t.Errorf("missing tag: %v: %s", p.Kind, p.Detail)
	}
	_, err = c.Resolve(context.Background(), mustParse(t, reg.Host+"/team/nope:v1"), registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindRepositoryNotFound || !strings.Contains(p.Detail, "repository itself does not exist") {
		t.Errorf("missing repository: %v: %s", p.Kind, p.Detail)
	}
	expectRequests(t, reg.Requests(),
		"GET /v2/ 200", "HEAD /v2/team/app/manifests/2022-10-09_cuda11.1 404", "GET /v2/team/app/tags/list 200",
		"GET /v2/ 200", "HEAD /v2/team/nope/manifests/v1 404", "GET /v2/team/nope/tags/list 404")

	moved := reg.Push(t, "team/app:2022-10-08_cuda11.1", registrytest.DockerImage)
	for i, want := range []string{first, moved} {
		m, err := registry.New(registry.Config{Retries: registry.DefaultRetries}).Resolve(context.Background(), mustParse(t, reg.Host+"/team/app:2022-10-08_cuda11.1@"+want), registry.Credentials{})
		if err != nil || m.Digest != want {
			t.Errorf("pinned %d: %v %v", i, m, err)
		}
	}
	m, err := registry.New(registry.Config{Retries: registry.DefaultRetries}).Resolve(context.Background(), mustParse(t, reg.Host+"/team/app:2022-10-08_cuda11.1"), registry.Credentials{})
	if err != nil || m.Digest != moved || moved == first {
		t.Errorf("after the push the tag resolves to %s (%v); pushed %s, before %s", m.Digest, err, moved, first)
	}

	// A url pinned to the old digest still pulls, with a warning that its tag moved.
	pull, warnings := registry.New(registry.Config{Retries: registry.DefaultRetries}).Check(context.Background(), mustParse(t, reg.Host+"/team/app:2022-10-08_cuda11.1@"+first), registry.Credentials{})
	if pull != nil || len(warnings) != 1 || warnings[0].Summary != "Pinned Tag Moved" || !strings.Contains(warnings[0].Detail, "now points at "+moved) {
		t.Errorf("pinned to the old digest: %v %+v", pull, warnings)
	}
	// Once the old image is deleted, the pinned url cannot be pulled.
	reg.Delete(t, "team/app", first)
	pull, _ = registry.New(registry.Config{Retries: registry.DefaultRetries}).Check(context.Background(), mustParse(t, reg.Host+"/team/app:2022-10-08_cuda11.1@"+first), registry.Credentials{})
	if pull == nil || pull.Kind != registry.KindNotFound || !strings.Contains(pull.Detail, "no manifest for digest "+first) {
		t.Errorf("pinned to a deleted digest: %+v", pull)
	}
}

// TestDistributionBasicAuth: the right account pulls; a wrong password and an anonymous pull
// are told apart, and no message holds the password.
func TestDistributionBasicAuth(t *testing.T) {
	t.Parallel()
	reg := registrytest.StartDistribution(t, true)
	digest := reg.Push(t, "private/app:v1", registrytest.DockerImage)
	ref := mustParse(t, reg.Host+"/private/app:v1")
	c := registry.New(registry.Config{Retries: registry.DefaultRetries})

	m, err := c.Resolve(context.Background(), ref, registry.Credentials{Username: reg.User, Password: reg.Password})
	if err != nil || m.Digest != digest {
		t.Fatalf("right account: %v %v", m, err)
	}
	wrong := "wrong-" + reg.Password
	_, err = c.Resolve(context.Background(), ref, registry.Credentials{Username: reg.User, Password: wrong})
	p := problemOf(t, err)
	if p.Kind != registry.KindCredentialsRefused || !strings.Contains(p.Detail, fmt.Sprintf("refused the credentials of registry user %q (HTTP 401)", reg.User)) {
		t.Errorf("wrong password: %v: %s", p.Kind, p.Detail)
	}
	if strings.Contains(p.Detail, reg.Password) {
		t.Errorf("the message holds the password: %s", p.Detail)
	}
	_, err = c.Resolve(context.Background(), ref, registry.Credentials{})
	if p := problemOf(t, err); p.Kind != registry.KindLoginRequired {
		t.Errorf("anonymous: %v: %s", p.Kind, p.Detail)
	}
	expectRequests(t, reg.Requests(),
		"GET /v2/ 401", "HEAD /v2/private/app/manifests/v1 200",
		"GET /v2/ 401", "HEAD /v2/private/app/manifests/v1 401",
		"GET /v2/ 401", "HEAD /v2/private/app/manifests/v1 401")
}
