// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// The helpers here reach the server the way a user's script would, over HTTP as admin, so that
// assertions on what the server holds work against the reference server and an external
// deployment alike. Against an external deployment they go to the server directly, not
// through the recording proxy: they are the test's calls, not the provider's.

// apiSession caches one admin token per Server: a login costs 0.16 s on the real backend.
type apiSession struct {
	mu     sync.Mutex
	token  string
	issued time.Time
}

// tokenLifetime stays below the real backend's 5-minute access tokens.
const tokenLifetime = 4 * time.Minute

// directURL is the server itself, bypassing the proxy.
func (s *Server) directURL() string {
	switch {
	case s.Ref == nil:
		return os.Getenv("UFDL_HOST")
	case s.direct != "":
		return s.direct
	}
	return s.URL
}

// API makes one admin request and decodes a JSON answer into out (when not nil).
func (s *Server) API(method, path string, body, out any) error {
	tok, err := s.adminToken()
	if err != nil {
		return err
	}
	return s.do(method, path, tok, body, out)
}

func (s *Server) adminToken() (string, error) {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	if s.session.token != "" && time.Since(s.session.issued) < tokenLifetime {
		return s.session.token, nil
	}
	var tok struct {
		Access string `json:"access"`
	}
	if err := s.do(http.MethodPost, "/v1/auth/obtain", "", map[string]string{"username": s.AdminUser, "password": s.AdminPassword}, &tok); err != nil {
		return "", fmt.Errorf("logging in to %s: %w", s.directURL(), err)
	}
	s.session.token, s.session.issued = tok.Access, time.Now()
	return tok.Access, nil
}

func (s *Server) do(method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(s.directURL(), "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Image returns image pk as the server answers it (response form).
func (s *Server) Image(pk int64) (map[string]any, error) {
	if s.Ref != nil {
		img, ok := s.Ref.Image(pk)
		if !ok {
			return nil, fmt.Errorf("server holds no image %d", pk)
		}
		return img, nil
	}
	var img map[string]any
	if err := s.API(http.MethodGet, fmt.Sprintf("/v1/docker/%d", pk), nil, &img); err != nil {
		return nil, err
	}
	return img, nil
}

// ImagesNamed returns the images whose name begins with prefix (response form, by pk): the
// images one test made, also on a server that others use at the same time.
func (s *Server) ImagesNamed(prefix string) ([]map[string]any, error) {
	if prefix == "" {
		return nil, fmt.Errorf("ImagesNamed needs a prefix: the catalog may be shared")
	}
	var all []map[string]any
	if s.Ref != nil {
		all = s.Ref.Images()
	} else {
		f := map[string]any{
			"expressions": []any{map[string]any{"type": "contains", "field": "name", "sub_string": prefix}},
			"order_by":    []any{map[string]any{"field": "pk", "ascending": true}},
		}
		if err := s.API(http.MethodPost, "/v1/docker/list", f, &all); err != nil {
			return nil, err
		}
	}
	var out []map[string]any
	for _, img := range all {
		if name, _ := img["name"].(string); strings.HasPrefix(name, prefix) {
			out = append(out, img)
		}
	}
	return out, nil
}

// CountImagesNamed is len(ImagesNamed(prefix)), failing t on error.
func (s *Server) CountImagesNamed(t *testing.T, prefix string) int {
	t.Helper()
	imgs, err := s.ImagesNamed(prefix)
	if err != nil {
		t.Fatalf("listing the images named %s*: %v", prefix, err)
	}
	return len(imgs)
}

// CreateImage creates an image from a request-form body, as another client of the server
// would, and removes it when t ends (unless the test removed it already).
func (s *Server) CreateImage(t *testing.T, body map[string]any) int64 {
	t.Helper()
	if s.Ref != nil {
		pk, err := s.Ref.CreateImage(body)
		if err != nil {
			t.Fatalf("creating image %v:%v directly: %v", body["name"], body["version"], err)
		}
		return pk
	}
	var created struct {
		PK int64 `json:"pk"`
	}
	if err := s.API(http.MethodPost, "/v1/docker/create", body, &created); err != nil {
		t.Fatalf("creating image %v:%v directly: %v", body["name"], body["version"], err)
	}
	t.Cleanup(func() { s.removeImage(t, created.PK) })
	return created.PK
}

// removeImage deletes pk if it still exists. The real backend keeps an image whose tasks
// are set, so they are cleared first.
func (s *Server) removeImage(t *testing.T, pk int64) {
	if _, err := s.Image(pk); err != nil {
		return
	}
	if err := s.DeleteImage(pk); err != nil {
		t.Errorf("clean-up: deleting image %d: %v", pk, err)
	}
}

// PatchImage changes image pk behind Terraform's back (request form, PATCH semantics).
func (s *Server) PatchImage(pk int64, body map[string]any) error {
	if s.Ref != nil {
		return s.Ref.PatchImage(pk, body)
	}
	return s.API(http.MethodPatch, fmt.Sprintf("/v1/docker/%d", pk), body, nil)
}

// DeleteImage deletes image pk behind Terraform's back. On the real backend an image with
// tasks survives a DELETE (it counts its own task links as references): clear them first.
func (s *Server) DeleteImage(pk int64) error {
	if s.Ref != nil {
		return s.Ref.DeleteImage(pk)
	}
	if err := s.PatchImage(pk, map[string]any{"tasks": []string{}}); err != nil {
		return err
	}
	return s.API(http.MethodDelete, fmt.Sprintf("/v1/docker/%d", pk), nil, nil)
}

// Framework is a row of the server's framework table.
type Framework struct {
	PK      int64  `json:"pk"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Frameworks returns the server's framework table, read once per Server.
func (s *Server) Frameworks(t *testing.T) []Framework {
	t.Helper()
	s.lookups.Do(func() {
		s.lookups.err = s.API(http.MethodPost, "/v1/frameworks/list", map[string]any{}, &s.lookups.frameworks)
	})
	if s.lookups.err != nil {
		t.Fatalf("reading the server's frameworks: %v", s.lookups.err)
	}
	return s.lookups.frameworks
}

// FrameworkPK returns the pk of framework name/version on this server: pks differ between
// deployments, so no test writes one.
func (s *Server) FrameworkPK(t *testing.T, name, version string) int64 {
	t.Helper()
	for _, f := range s.Frameworks(t) {
		if f.Name == name && f.Version == version {
			return f.PK
		}
	}
	t.Fatalf("the server has no framework %s %s", name, version)
	return 0
}

type lookupOnce struct {
	sync.Once
	frameworks []Framework
	err        error
}

// RemoveAtEnd deletes, when t ends, every image whose name begins with prefix: tests that run
// terraform themselves leave nothing behind on a shared server, also when they fail.
func (s *Server) RemoveAtEnd(t *testing.T, prefix string) {
	t.Cleanup(func() {
		images, err := s.ImagesNamed(prefix)
		if err != nil {
			t.Errorf("clean-up: listing the images named %s*: %v", prefix, err)
			return
		}
		for _, img := range images {
			s.removeImage(t, PK(img))
		}
	})
}

// PK returns the pk of an image in response form, as the reference server (int64) or JSON
// (float64) gives it.
func PK(img map[string]any) int64 {
	switch v := img["pk"].(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	}
	return 0
}
