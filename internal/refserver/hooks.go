// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"net/http"
	"time"
)

// Test hooks, reachable from Go only (never over HTTP).

// AddReference marks image pk as referenced by another object, so that its
// destroy is refused (see SetKeepOnRefusedDelete). References count up.
func (s *Server) AddReference(pk int64) {
	s.st.mu.Lock()
	s.st.refs[pk]++
	s.st.mu.Unlock()
}

// RemoveReference drops one reference added by AddReference.
func (s *Server) RemoveReference(pk int64) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.refs[pk] <= 1 {
		delete(s.st.refs, pk)
		return
	}
	s.st.refs[pk]--
}

// SetKeepOnRefusedDelete makes a refused destroy answer 204 and keep the row,
// as the real backend does (always so in the ufdl-backend profile).
func (s *Server) SetKeepOnRefusedDelete(keep bool) { s.keepOnRefused.Store(keep) }

// SetAccessLifetime changes the lifetime of access tokens issued from now on;
// zero or less issues tokens that are already expired.
func (s *Server) SetAccessLifetime(d time.Duration) {
	s.auth.mu.Lock()
	s.auth.access = d
	s.auth.mu.Unlock()
}

// RotateSigningKey replaces the signing key: every token issued so far
// (access and refresh) becomes invalid.
func (s *Server) RotateSigningKey() {
	s.auth.rekey(randomBytes(32))
}

// Images returns every image in response form, ordered by pk. Values are Go
// values: pks int64, null nil, tasks []string, lookups map[string]any.
func (s *Server) Images() []map[string]any {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]map[string]any, len(s.st.images))
	for i, im := range s.st.images {
		out[i] = s.imageMap(im)
	}
	return out
}

// Image returns one image in response form.
func (s *Server) Image(pk int64) (map[string]any, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	im := s.st.byPK[pk]
	if im == nil {
		return nil, false
	}
	return s.imageMap(im), true
}

// CreateImage creates an image from a request-form body, bypassing HTTP and
// permissions but not validation. It applies the documented rules in every
// profile (like the backend's migrations, it may store a null generation for
// a CPU image). Errors are *Error with the body the API would have sent.
func (s *Server) CreateImage(body map[string]any) (int64, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.createDirect(body)
}

// createDirect is CreateImage with the write lock held.
func (s *Server) createDirect(body map[string]any) (int64, error) {
	obj, err := toRaw(body)
	if err != nil {
		return 0, err
	}
	im, errs := s.decodeImage(obj, modeCreate, nil, false, false)
	if errs != nil {
		return 0, errs.response().err()
	}
	if s.st.clash(im, 0) != nil {
		return 0, uniqueViolation("unique_docker_images", "name, version", im.name+", "+im.version).err()
	}
	if errs := cpuRuleError(im); errs != nil {
		return 0, errs.response().err()
	}
	s.st.insertImage(im)
	return im.pk, nil
}

// PatchImage applies a request-form body with PATCH semantics (absent keeps,
// null clears), with the documented validation.
func (s *Server) PatchImage(pk int64, body map[string]any) error {
	obj, err := toRaw(body)
	if err != nil {
		return err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	old := s.st.byPK[pk]
	if old == nil {
		return detail(http.StatusNotFound, msgNotFound).err()
	}
	im, errs := s.decodeImage(obj, modePatch, old, false, false)
	if errs != nil {
		return errs.response().err()
	}
	if s.st.clash(im, pk) != nil {
		// The API fails with an HTML 500 here; a Go caller gets the reason.
		return uniqueViolation("unique_docker_images", "name, version", im.name+", "+im.version).err()
	}
	if errs := cpuRuleError(im); errs != nil {
		return errs.response().err()
	}
	s.st.replaceImage(old, im)
	return nil
}

// DeleteImage removes an image out of band. Only AddReference holds it back
// (an *Error with status 400); tasks and profiles do not matter here.
func (s *Server) DeleteImage(pk int64) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	im := s.st.byPK[pk]
	if im == nil {
		return detail(http.StatusNotFound, msgNotFound).err()
	}
	if s.st.refs[pk] > 0 {
		return (&Error{Status: http.StatusBadRequest, Body: string(appendDetail(nil,
			"Docker image "+itoa(pk)+" is still referenced by other objects and cannot be deleted."))})
	}
	s.st.deleteImage(im)
	return nil
}

func toRaw(body map[string]any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Body: string(appendDetail(nil, "JSON parse error - "+err.Error()))}
	}
	// b is the JSON of a map: an object, or null for a nil map.
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(b, &obj)
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	return obj, nil
}

func itoa(n int64) string { return string(appendInt(nil, n)) }
