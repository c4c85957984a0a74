// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"fmt"
	"net/http"
)

// Where the two profiles differ. Both answer as the real UFDL backend does
// wherever the API documentation (api/*.md) is silent; the conformance suite
// (internal/conformance) holds both to the backend's recorded answers. The
// documented profile departs from the backend only where the documentation
// says otherwise, and the suite lists each such case with its doc line:
//
//   - filter type "is_null" (api/filtering.md) is accepted besides "isnull";
//   - min_hardware_generation may be null for CPU images (api/docker_images.md),
//     which the backend's serializer refuses, so the CPU rule answers a 400;
//   - DELETE removes an image that only its own task links reference
//     (api/docker_images.md, Destroy); the backend counts them and keeps it.

func (s *Server) backend() bool { return s.opts.Profile == ProfileUFDLBackend }

// filterSyntax is the filter schema: the backend's, which the documented
// profile extends by the documentation's name for isnull, "is_null"
// (api/filtering.md).
func (s *Server) filterSyntax() filterSyntax {
	return filterSyntax{isNullAlias: !s.backend(), nullsLast: !s.backend()}
}

// duplicateOnCreate answers a create whose (name, version) is taken. The
// backend lets the insert reach PostgreSQL, so the answer is the database's
// message (a detail, not a field error), and the failed insert has consumed a
// pk. The documentation says nothing else, so both profiles answer so.
func (s *Server) duplicateOnCreate(im *image) response {
	s.st.nextPK++
	return uniqueViolation("unique_docker_images", "name, version", im.name+", "+im.version)
}

// uniqueViolation is PostgreSQL's message for a unique constraint, which the
// backend returns as the detail of a 400 on create.
func uniqueViolation(constraint, columns, values string) response {
	return detail(http.StatusBadRequest, fmt.Sprintf("duplicate key value violates unique constraint %q\n"+
		"DETAIL:  Key (%s)=(%s) already exists.\n", constraint, columns, values))
}

// duplicateOnUpdate answers a PUT/PATCH that would clash: the backend fails
// with an unhandled IntegrityError, i.e. Django's HTML 500 page.
func (s *Server) duplicateOnUpdate() response { return htmlServerError() }

// cpuRule enforces "min_hardware_generation may be null only when cpu is
// true" on the merged result. The backend's model refuses to save such an
// image with an unhandled exception (500); its serializer never lets a null
// generation through, so only images loaded with one (its migrations' CPU
// images) reach it, by a PATCH of cpu. The documented profile accepts null
// generations (api/docker_images.md) and answers the rule with a 400.
func (s *Server) cpuRule(im *image) (response, bool) {
	if im.hw != nil || im.cpu {
		return response{}, false
	}
	if s.backend() {
		return htmlServerError(), true
	}
	return cpuRuleError(im).response(), true
}

// deleteKeeps reports whether a destroy of im must leave it in place, and
// whether that is still answered with 204. The real backend counts the image's
// own task links as references (its reference check sees the link table) and
// answers 204 either way; nothing else in it references images today.
func (s *Server) deleteKeeps(im *image) (keep, quiet bool) {
	referenced := s.st.refs[im.pk] > 0
	if s.backend() {
		return referenced || len(im.tasks) > 0, true
	}
	return referenced, s.keepOnRefused.Load()
}
