// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"net/http"
	"strconv"
	"strings"
)

type perm uint8

const (
	permUser  perm = iota // IsAuthenticated
	permAdmin             // IsAdminUser (is_staff)
	permNone              // AllowNone, even for admins: domain writes
)

type endpoint struct {
	perm perm
	fn   func(*Server, *request) response
}

// route is one URL pattern and the methods it maps.
type route struct {
	pattern string // "/v1/docker/{pk}": also the route key of counters and faults
	open    bool   // the token endpoints: no authentication at all
	t       *table // lookup routes
	methods map[string]endpoint
	allow   string
}

// request is what a handler gets.
type request struct {
	r    *http.Request
	body []byte
	user *user
	pk   int64  // {pk}; -1 when it does not fit an int64 (then nothing has it)
	arg  string // {compute}
	t    *table
	data reqData // the parsed body
}

// onImage runs fn on the image at the request's pk under the store's lock (the write lock
// when write), or answers 404 when no image has that pk.
func (s *Server) onImage(rq *request, write bool, fn func(*image) response) response {
	defer s.lock(write)()
	return found(s.st.byPK[rq.pk], fn)
}

// onRow is onImage for a row of the request's lookup table.
func (s *Server) onRow(rq *request, write bool, fn func(*lrow) response) response {
	defer s.lock(write)()
	return found(rq.t.byPK[rq.pk], fn)
}

// lock takes the store's write or read lock and returns its release.
func (s *Server) lock(write bool) (unlock func()) {
	if write {
		s.st.mu.Lock()
		return s.st.mu.Unlock
	}
	s.st.mu.RLock()
	return s.st.mu.RUnlock
}

func found[T any](v *T, fn func(*T) response) response {
	if v == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	return fn(v)
}

// updateMode tells a PATCH, which changes the fields it sends, from a PUT, which sends all.
func (rq *request) updateMode() writeMode {
	if rq.r.Method == http.MethodPatch {
		return modePatch
	}
	return modePut
}

func (s *Server) buildRoutes() {
	s.routes = map[string]*route{}
	add := func(pattern string, t *table, open bool, methods map[string]endpoint) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			if _, ok := methods[m]; ok {
				allow = append(allow, m)
			}
		}
		s.routes[pattern] = &route{pattern: pattern, open: open, t: t, methods: methods, allow: strings.Join(allow, ", ")}
	}
	// The token views are plain DRF views: OPTIONS describes them.
	add("/v1/auth/obtain", nil, true, map[string]endpoint{http.MethodPost: {permUser, (*Server).handleObtain},
		http.MethodOptions: {permUser, func(*Server, *request) response { return rawJSON(http.StatusOK, []byte(obtainMetadata)) }}})
	add("/v1/auth/refresh", nil, true, map[string]endpoint{http.MethodPost: {permUser, (*Server).handleRefresh},
		http.MethodOptions: {permUser, func(*Server, *request) response { return rawJSON(http.StatusOK, []byte(refreshMetadata)) }}})

	add("/v1/docker/list", nil, false, map[string]endpoint{http.MethodPost: {permUser, (*Server).handleImageList}})
	add("/v1/docker/create", nil, false, map[string]endpoint{http.MethodPost: {permAdmin, (*Server).handleImageCreate}})
	add("/v1/docker/{pk}", nil, false, map[string]endpoint{
		http.MethodGet:    {permUser, (*Server).handleImageRetrieve},
		http.MethodPut:    {permAdmin, (*Server).handleImageUpdate},
		http.MethodPatch:  {permAdmin, (*Server).handleImageUpdate},
		http.MethodDelete: {permAdmin, (*Server).handleImageDestroy},
	})

	for _, t := range s.st.t.all {
		add(t.route+"/list", t, false, map[string]endpoint{http.MethodPost: {permUser, (*Server).handleRowList}})
		item := map[string]endpoint{http.MethodGet: {permUser, (*Server).handleRowRetrieve}}
		// Read-only tables (domains) still route writes: the backend refuses
		// them with 403, for admins too.
		write := permAdmin
		if t.readOnly {
			write = permNone
		}
		add(t.route+"/create", t, false, map[string]endpoint{http.MethodPost: {write, (*Server).handleRowCreate}})
		item[http.MethodPut] = endpoint{write, (*Server).handleRowUpdate}
		item[http.MethodPatch] = endpoint{write, (*Server).handleRowUpdate}
		item[http.MethodDelete] = endpoint{write, (*Server).handleRowDestroy}
		add(t.route+"/{pk}", t, false, item)
	}
	add("/v1/hardware/get-hardware-generation/{compute}", s.st.t.hardware, false,
		map[string]endpoint{http.MethodGet: {permUser, (*Server).handleHardwareGeneration}})
	add("/v1/licences/{pk}/subdescriptors", s.st.t.licences, false,
		map[string]endpoint{http.MethodPatch: {permAdmin, (*Server).handleSubdescriptors}})
}

// canonicalRoute maps a path to its route pattern. Both spellings of
// licences and an optional trailing slash lead to the same route, so that
// counters and faults see one key.
func canonicalRoute(path string) (pattern string, pk int64, arg string) {
	// The generation route takes everything after its prefix as the value,
	// a trailing slash included (the backend's pattern is "(?P<compute>.+)").
	for _, spelling := range []string{"/v1/hardware/get-hardware-generation/"} {
		if rest, ok := strings.CutPrefix(path, spelling); ok && rest != "" {
			return "/v1/hardware/get-hardware-generation/{compute}", 0, rest
		}
	}
	p := strings.TrimSuffix(path, "/")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) < 3 || len(segs) > 4 || segs[0] != "v1" {
		return "", 0, ""
	}
	res := segs[1]
	if res == "licenses" {
		res = "licences"
	}
	base := "/v1/" + res + "/"
	switch {
	case len(segs) == 3 && isDigits(segs[2]):
		return base + "{pk}", parsePK(segs[2]), ""
	case len(segs) == 3:
		return base + segs[2], 0, ""
	case res == "hardware" && segs[2] == "get-hardware-generation" && segs[3] != "":
		return base + "get-hardware-generation/{compute}", 0, segs[3]
	case isDigits(segs[2]) && segs[3] == "subdescriptors":
		return base + "{pk}/subdescriptors", parsePK(segs[2]), ""
	}
	return "", 0, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parsePK(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// routeFor returns the route of a path, or nil with the raw path as its key.
func (s *Server) routeFor(path string) (*route, string, int64, string) {
	pattern, pk, arg := canonicalRoute(path)
	if rt := s.routes[pattern]; rt != nil {
		return rt, pattern, pk, arg
	}
	return nil, path, 0, ""
}
