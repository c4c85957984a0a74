// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// catalogAPI is the bench's own admin session with the server under test, beside the
// provider's: it reads the framework pk that the configuration uses, and lists and removes
// the images of a run. It talks to the server directly, never through the recording proxy,
// and only between phases, so its calls are not counted as the provider's.
type catalogAPI struct {
	base, user, password string
	hc                   *http.Client
	token                string
	issued               time.Time
}

// tokenLifetime stays below the real backend's 5-minute access tokens.
const tokenLifetime = 4 * time.Minute

func newCatalogAPI(base, user, password string) *catalogAPI {
	return &catalogAPI{base: strings.TrimSuffix(base, "/"), user: user, password: password, hc: &http.Client{Timeout: 60 * time.Second}}
}

// call makes one admin request, decoding a JSON answer into out (when not nil); an answer
// other than 2xx is an error.
func (a *catalogAPI) call(method, path string, body, out any) error {
	status, err := a.send(method, path, body, out)
	if err == nil && status >= 300 {
		err = fmt.Errorf("%s %s: status %d", method, path, status)
	}
	return err
}

// send makes one admin request and returns its status; out is decoded only from a 2xx answer.
func (a *catalogAPI) send(method, path string, body, out any) (int, error) {
	if time.Since(a.issued) > tokenLifetime {
		if err := a.login(); err != nil {
			return 0, err
		}
	}
	return a.do(method, path, "Bearer "+a.token, body, out)
}

func (a *catalogAPI) login() error {
	var tok struct {
		Access string `json:"access"`
	}
	status, err := a.do(http.MethodPost, "/v1/auth/obtain", "", map[string]string{"username": a.user, "password": a.password}, &tok)
	if err == nil && (status != http.StatusOK || tok.Access == "") {
		err = fmt.Errorf("status %d", status)
	}
	if err != nil {
		return fmt.Errorf("logging in to %s as %s: %w", a.base, a.user, err)
	}
	a.token, a.issued = tok.Access, time.Now()
	return nil
}

func (a *catalogAPI) do(method, path, auth string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || out == nil || resp.StatusCode >= 300 {
		return resp.StatusCode, err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp.StatusCode, nil
}

// frameworkPK returns the pk of framework name/version: pks differ between deployments.
func (a *catalogAPI) frameworkPK(name, version string) (int64, error) {
	var frameworks []struct {
		PK            int64 `json:"pk"`
		Name, Version string
	}
	if err := a.call(http.MethodPost, "/v1/frameworks/list", map[string]any{}, &frameworks); err != nil {
		return 0, err
	}
	for _, f := range frameworks {
		if f.Name == name && f.Version == version {
			return f.PK, nil
		}
	}
	return 0, fmt.Errorf("%s has no framework %s %s", a.base, name, version)
}

// imagesNamed returns the pks of the images whose name begins with prefix. The server may be
// shared, so the list is filtered on the server and checked here.
func (a *catalogAPI) imagesNamed(prefix string) ([]int64, error) {
	if prefix == "" {
		return nil, errors.New("imagesNamed needs a prefix: the catalog may be shared")
	}
	// One expression, no "and": the real backend's schema wants two or more inside one.
	filter := map[string]any{"expressions": []any{map[string]any{"type": "contains", "field": "name", "sub_string": prefix}}}
	var images []struct {
		PK   int64  `json:"pk"`
		Name string `json:"name"`
	}
	if err := a.call(http.MethodPost, "/v1/docker/list", filter, &images); err != nil {
		return nil, err
	}
	var pks []int64
	for _, img := range images {
		if strings.HasPrefix(img.Name, prefix) {
			pks = append(pks, img.PK)
		}
	}
	return pks, nil
}

// removeImages deletes every image whose name begins with prefix and checks that none is
// left; it returns how many it removed. The real backend keeps an image whose tasks are set
// (and answers its DELETE with 204 all the same), so the tasks are cleared first.
func (a *catalogAPI) removeImages(prefix string) (int, error) {
	pks, err := a.imagesNamed(prefix)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, pk := range pks {
		errs = append(errs, a.removeImage(pk))
	}
	if err := errors.Join(errs...); err != nil {
		return len(pks), err
	}
	if left, err := a.imagesNamed(prefix); err != nil || len(left) > 0 {
		return len(pks), errors.Join(err, fmt.Errorf("images %v named %s* are still on %s after removing them", left, prefix, a.base))
	}
	return len(pks), nil
}

func (a *catalogAPI) removeImage(pk int64) error {
	path := fmt.Sprintf("/v1/docker/%d", pk)
	if err := a.call(http.MethodPatch, path, map[string]any{"tasks": []string{}}, nil); err != nil {
		return err
	}
	if err := a.call(http.MethodDelete, path, nil, nil); err != nil {
		return err
	}
	status, err := a.send(http.MethodGet, path, nil, nil)
	if err == nil && status != http.StatusNotFound {
		err = fmt.Errorf("image %d is still there after DELETE (GET: status %d)", pk, status)
	}
	return err
}
