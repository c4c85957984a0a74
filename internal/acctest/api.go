package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Image returns image pk as the server answers it (response form), through the in-process
// reference server or, against an external deployment, with a plain HTTP GET: assertions on
// what the server holds work in both modes.
func (s *Server) Image(pk int64) (map[string]any, error) {
	if s.Ref != nil {
		img, ok := s.Ref.Image(pk)
		if !ok {
			return nil, fmt.Errorf("server holds no image %d", pk)
		}
		return img, nil
	}
	var img map[string]any
	if err := s.call(http.MethodGet, fmt.Sprintf("/v1/docker/%d", pk), nil, &img); err != nil {
		return nil, err
	}
	return img, nil
}

// call makes one admin request to the server with a fresh token.
func (s *Server) call(method, path string, body, out any) error {
	var tok struct {
		Access string `json:"access"`
	}
	if err := s.do(http.MethodPost, "/v1/auth/obtain", "", map[string]string{"username": s.AdminUser, "password": s.AdminPassword}, &tok); err != nil {
		return fmt.Errorf("logging in to %s: %w", s.URL, err)
	}
	return s.do(method, path, tok.Access, body, out)
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
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
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

// PatchImage changes image pk behind Terraform's back (request form, PATCH semantics).
func (s *Server) PatchImage(pk int64, body map[string]any) error {
	if s.Ref != nil {
		return s.Ref.PatchImage(pk, body)
	}
	return s.call(http.MethodPatch, fmt.Sprintf("/v1/docker/%d", pk), body, nil)
}

// DeleteImage deletes image pk behind Terraform's back.
func (s *Server) DeleteImage(pk int64) error {
	if s.Ref != nil {
		return s.Ref.DeleteImage(pk)
	}
	return s.call(http.MethodDelete, fmt.Sprintf("/v1/docker/%d", pk), nil, nil)
}
