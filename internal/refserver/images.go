// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Docker image endpoints (api/docker_images.md).

func (s *Server) handleImageList(rq *request) response {
	q, errResp := compileFilter(rq.data.listBody(), &s.imageFields, s.filterSyntax())
	if errResp != nil {
		return *errResp
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	matched := q.run(s.st.scan)
	b := make([]byte, 0, 64+len(matched)*640)
	b = append(b, '[')
	for i, im := range matched {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.appendImage(b, im)
	}
	return rawJSON(http.StatusOK, append(b, ']'))
}

func (s *Server) handleImageRetrieve(rq *request) response {
	return s.onImage(rq, false, func(im *image) response {
		return rawJSON(http.StatusOK, s.appendImage(make([]byte, 0, 768), im))
	})
}

func (s *Server) handleImageCreate(rq *request) response {
	obj, resp, ok := rq.data.object()
	if !ok {
		return resp
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.createImage(obj, rq.data.kind == dataForm, s.backend())
}

// createImage validates and inserts; nothing is stored unless every check
// passed. The caller holds the write lock. The checks come in the backend's
// order: the serializer's field errors, the model's CPU rule (on save), then
// the database's uniqueness, whose failure has consumed a pk.
func (s *Server) createImage(obj map[string]json.RawMessage, form, nullHWRefused bool) response {
	im, errs := s.decodeImage(obj, modeCreate, nil, form, nullHWRefused)
	if errs != nil {
		return errs.response()
	}
	if resp, bad := s.cpuRule(im); bad {
		return resp
	}
	if s.st.clash(im, 0) != nil {
		return s.duplicateOnCreate(im)
	}
	s.st.insertImage(im)
	return rawJSON(http.StatusCreated, s.appendImage(nil, im))
}

func (s *Server) handleImageUpdate(rq *request) response {
	mode := rq.updateMode()
	return s.onImage(rq, true, func(old *image) response {
		obj, resp, ok := rq.data.object()
		if !ok {
			return resp
		}
		return s.updateImage(old, obj, mode, rq.data.kind == dataForm, s.backend())
	})
}

// updateImage applies a PUT/PATCH body to old under the write lock.
func (s *Server) updateImage(old *image, obj map[string]json.RawMessage, mode writeMode, form, nullHWRefused bool) response {
	im, errs := s.decodeImage(obj, mode, old, form, nullHWRefused)
	if errs != nil {
		return errs.response()
	}
	if resp, bad := s.cpuRule(im); bad {
		return resp
	}
	if s.st.clash(im, old.pk) != nil {
		return s.duplicateOnUpdate()
	}
	s.st.replaceImage(old, im)
	return rawJSON(http.StatusOK, s.appendImage(nil, im))
}

func (s *Server) handleImageDestroy(rq *request) response {
	return s.onImage(rq, true, s.destroyImage)
}

func (s *Server) destroyImage(im *image) response {
	if keep, quiet := s.deleteKeeps(im); keep {
		if quiet {
			return noContent()
		}
		return detail(http.StatusBadRequest,
			fmt.Sprintf("Docker image %d is still referenced by other objects and cannot be deleted.", im.pk))
	}
	s.st.deleteImage(im)
	return noContent()
}
