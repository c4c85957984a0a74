// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Image is a docker image in the server's response form: lookups come back as
// objects (CUDA version, framework, hardware generation) or descriptions
// (domain). Tasks are a set; their order carries no meaning.
type Image struct {
	PK                    int64               `json:"pk"`
	Name                  string              `json:"name"`
	Version               string              `json:"version"`
	URL                   string              `json:"url"`
	RegistryURL           string              `json:"registry_url"`
	RegistryUsername      *string             `json:"registry_username"`
	RegistryPassword      *string             `json:"registry_password"`
	CUDAVersion           CUDAVersion         `json:"cuda_version"`
	Framework             Framework           `json:"framework"`
	Domain                string              `json:"domain"` // description, e.g. "Object Detection"
	Tasks                 []string            `json:"tasks"`
	MinHardwareGeneration *HardwareGeneration `json:"min_hardware_generation"`
	CPU                   bool                `json:"cpu"`
	Licence               string              `json:"licence"`
}

// ImageSpec is a docker image in the request form used by create, PUT and PATCH:
// lookups by version string, framework pk, domain code and names. Nil pointers
// are sent as JSON null; nil Tasks as [].
type ImageSpec struct {
	Name                  string   `json:"name"`
	Version               string   `json:"version"`
	URL                   string   `json:"url"`
	RegistryURL           string   `json:"registry_url"`
	RegistryUsername      *string  `json:"registry_username"`
	RegistryPassword      *string  `json:"registry_password"`
	CUDAVersion           string   `json:"cuda_version"` // e.g. "11.1"
	Framework             int64    `json:"framework"`    // framework pk
	Domain                string   `json:"domain"`       // 2-letter code, e.g. "od"
	Tasks                 []string `json:"tasks"`
	MinHardwareGeneration *string  `json:"min_hardware_generation"` // e.g. "Pascal"
	CPU                   bool     `json:"cpu"`
	Licence               string   `json:"licence"`
}

// JSON names of the image fields, for PatchImage.
const (
	FieldName                  = "name"
	FieldVersion               = "version"
	FieldURL                   = "url"
	FieldRegistryURL           = "registry_url"
	FieldRegistryUsername      = "registry_username"
	FieldRegistryPassword      = "registry_password"
	FieldCUDAVersion           = "cuda_version"
	FieldFramework             = "framework"
	FieldDomain                = "domain"
	FieldTasks                 = "tasks"
	FieldMinHardwareGeneration = "min_hardware_generation"
	FieldCPU                   = "cpu"
	FieldLicence               = "licence"
)

// ImageFields lists every field name PatchImage accepts, in API order.
var ImageFields = []string{
	FieldName, FieldVersion, FieldURL, FieldRegistryURL, FieldRegistryUsername, FieldRegistryPassword,
	FieldCUDAVersion, FieldFramework, FieldDomain, FieldTasks, FieldMinHardwareGeneration, FieldCPU, FieldLicence,
}

// MarshalJSON sends tasks as [] rather than null when there are none.
func (s ImageSpec) MarshalJSON() ([]byte, error) {
	type plain ImageSpec
	p := plain(s)
	if p.Tasks == nil {
		p.Tasks = []string{}
	}
	return marshalJSON(p)
}

// secretValues are the values of s that must not appear in errors or logs.
func (s ImageSpec) secretValues() []string {
	if s.RegistryPassword != nil && *s.RegistryPassword != "" {
		return []string{*s.RegistryPassword}
	}
	return nil
}

var imageShape = shape{
	required: ImageFields,
	nullable: []string{FieldRegistryUsername, FieldRegistryPassword, FieldMinHardwareGeneration},
}

var imageShapeWithPK = shape{required: append([]string{"pk"}, imageShape.required...), nullable: imageShape.nullable}

// checkImage rejects images a server should never send: they would end up in
// Terraform state as wrong values.
func checkImage(img *Image) string {
	switch {
	case img.PK <= 0:
		return fmt.Sprintf("field \"pk\" is %d, not a primary key", img.PK)
	case img.Name == "":
		return `field "name" is empty`
	case img.Version == "":
		return `field "version" is empty`
	case img.CUDAVersion.Version == "":
		return `field "cuda_version" has no version`
	case img.Framework.PK <= 0:
		return `field "framework" has no pk`
	case img.Domain == "":
		return `field "domain" is empty`
	case img.Licence == "":
		return `field "licence" is empty`
	case img.MinHardwareGeneration != nil && img.MinHardwareGeneration.Generation == "":
		return `field "min_hardware_generation" has no generation`
	}
	return ""
}

// decodeImage reads one image in response form; "" reason means success.
func decodeImage(body []byte) (*Image, string) {
	var img Image
	if reason := decodeObject(body, imageShapeWithPK, &img); reason != "" {
		return nil, reason
	}
	if reason := checkImage(&img); reason != "" {
		return nil, reason
	}
	return &img, ""
}

func decodeImages(body []byte) ([]Image, string) {
	return decodeList(body, imageShapeWithPK, checkImage)
}

const wantImage = "a docker image"

func imagePath(pk int64) string { return fmt.Sprintf("/v1/docker/%d", pk) }

func checkPK(pk int64) error {
	if pk <= 0 {
		return fmt.Errorf("docker image pk %d is not valid: it must be a positive integer", pk)
	}
	return nil
}

// imageCall sends req and decodes one image from the answer.
func (c *Client) imageCall(ctx context.Context, req *request) (*Image, error) {
	var img *Image
	err := c.call(ctx, req, wantImage, func(b []byte) string {
		var reason string
		img, reason = decodeImage(b)
		return reason
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// GetImage reads one image. A missing image gives an error with IsNotFound.
func (c *Client) GetImage(ctx context.Context, pk int64) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	return c.imageCall(ctx, &request{method: http.MethodGet, path: imagePath(pk)})
}

// ReplaceImage updates every field of an image with PUT.
func (c *Client) ReplaceImage(ctx context.Context, pk int64, spec ImageSpec) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	body, err := marshalJSON(spec)
	if err != nil {
		return nil, err
	}
	return c.imageCall(ctx, &request{method: http.MethodPut, path: imagePath(pk), body: body, hide: spec.secretValues()})
}

// PatchImage sends a PATCH holding only the named fields of spec (see the Field
// constants); a nil pointer among them is sent as an explicit null, which clears
// the value on the server. Unknown field names are refused before sending.
func (c *Client) PatchImage(ctx context.Context, pk int64, spec ImageSpec, fields []string) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	full, err := marshalJSON(spec)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(full, &all); err != nil {
		return nil, err
	}
	part := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		v, ok := all[f]
		if !ok {
			return nil, fmt.Errorf("PatchImage: %q is not a docker image field (one of %v)", f, ImageFields)
		}
		part[f] = v
	}
	body, err := marshalJSON(part)
	if err != nil {
		return nil, err
	}
	var hide []string
	if _, ok := part[FieldRegistryPassword]; ok {
		hide = spec.secretValues()
	}
	return c.imageCall(ctx, &request{method: http.MethodPatch, path: imagePath(pk), body: body, hide: hide})
}

// DeleteImage sends DELETE only. The real backend answers 204 and keeps an image
// that is still referenced, so callers that need certainty read it back.
func (c *Client) DeleteImage(ctx context.Context, pk int64) error {
	if err := checkPK(pk); err != nil {
		return err
	}
	return c.call(ctx, &request{method: http.MethodDelete, path: imagePath(pk)}, "", nil)
}

// ListImages lists images matching f (POST /v1/docker/list); a nil filter sends
// no body at all and lists everything.
func (c *Client) ListImages(ctx context.Context, f *Filter) ([]Image, error) {
	req, err := listRequest("/v1/docker/list", f)
	if err != nil {
		return nil, err
	}
	var out []Image
	err = c.call(ctx, req, "a list of docker images", func(b []byte) string {
		var reason string
		out, reason = decodeImages(b)
		return reason
	})
	if err != nil {
		return nil, err
	}
	return distinct(out), nil
}

// distinct drops the repeats of an image from a list, keeping the first. The real backend
// joins related tables without DISTINCT, so a filter that reaches through tasks (an "or"
// with tasks__name, say) names an image once per matching task link.
func distinct(images []Image) []Image {
	seen := make(map[int64]bool, len(images))
	out := images[:0]
	for _, img := range images {
		if !seen[img.PK] {
			seen[img.PK] = true
			out = append(out, img)
		}
	}
	return out
}

// listRequest builds a POST .../list call; a nil filter sends no body.
func listRequest(path string, f *Filter) (*request, error) {
	req := &request{method: http.MethodPost, path: path}
	if f != nil {
		body, err := marshalJSON(f)
		if err != nil {
			// Drop encoding/json's "error calling MarshalJSON" wrappers.
			return nil, fmt.Errorf("POST %s: %w", path, innermost(err))
		}
		if problem := SchemaProblem(body); problem != "" {
			return nil, fmt.Errorf("POST %s: the filter does not fit the server's filter schema: %s", path, problem)
		}
		req.body = body
		req.hide = filterSecrets(f.Expressions)
	}
	return req, nil
}

// filterSecrets collects the values a filter compares secret fields with
// (e.g. registry_password), to keep them out of error text.
func filterSecrets(exprs []Expression) []string {
	var out []string
	for _, e := range exprs {
		if sensitiveKey(e.Field) {
			if v, ok := e.Value.(string); ok && v != "" {
				out = append(out, v)
			}
			if e.SubString != "" {
				out = append(out, e.SubString)
			}
		}
		out = append(out, filterSecrets(e.SubExpressions)...)
	}
	return out
}
