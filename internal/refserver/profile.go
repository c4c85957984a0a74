package refserver

import (
	"fmt"
	"net/http"
)

// Where the two profiles differ. Every ufdl-backend behaviour here was
// measured on the real backend (DESIGN "Measured on the real backend").

func (s *Server) backend() bool { return s.opts.Profile == ProfileUFDLBackend }

// duplicateOnCreate answers a create whose (name, version) is taken. The
// real backend lets the insert reach PostgreSQL, so the answer is the
// database's message, and the failed insert has consumed a pk.
func (s *Server) duplicateOnCreate(im *image) response {
	if !s.backend() {
		return uniqueTogetherError()
	}
	s.st.nextPK++
	msg := fmt.Sprintf("duplicate key value violates unique constraint \"docker_dockerimage_name_version_uniq\"\n"+
		"DETAIL:  Key (name, version)=(%s, %s) already exists.\n", im.name, im.version)
	return detail(http.StatusBadRequest, msg)
}

// duplicateOnUpdate answers a PUT/PATCH that would clash: the real backend
// fails with an unhandled IntegrityError, i.e. Django's HTML 500 page.
func (s *Server) duplicateOnUpdate() response {
	if s.backend() {
		return htmlServerError()
	}
	return uniqueTogetherError()
}

func uniqueTogetherError() response {
	return singleFieldError("non_field_errors", "The fields name, version must make a unique set.")
}

// deleteKeeps reports whether a destroy of im must leave it in place, and
// whether that is still answered with 204. The real backend counts the image's
// own task links as references and answers 204 either way.
func (s *Server) deleteKeeps(im *image) (keep, quiet bool) {
	referenced := s.st.refs[im.pk] > 0
	if s.backend() {
		return referenced || len(im.tasks) > 0, true
	}
	return referenced, s.keepOnRefused.Load()
}
