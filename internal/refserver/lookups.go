package refserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Endpoints of the lookup tables (cuda, frameworks, hardware, licences,
// job-contracts, domains), one generic implementation over table schemas.

func (s *Server) handleRowList(rq *request) response {
	if resp, ok := checkMediaType(rq.r, rq.body); !ok {
		return resp
	}
	q, errResp := compileFilter(rq.body, &rq.t.fields)
	if errResp != nil {
		return *errResp
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	b := []byte{'['}
	for i, r := range q.run(rq.t.rows) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRow(b, rq.t, r)
	}
	return rawJSON(http.StatusOK, append(b, ']'))
}

func (s *Server) handleRowRetrieve(rq *request) response {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	r := rq.t.byPK[rq.pk]
	if r == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	return rawJSON(http.StatusOK, appendRow(nil, rq.t, r))
}

func (s *Server) handleRowCreate(rq *request) response {
	obj, resp, ok := decodeObject(rq.r, rq.body)
	if !ok {
		return resp
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	r, errs := decodeRow(rq.t, obj, modeCreate, nil)
	if errs != nil {
		return errs.response()
	}
	rq.t.insert(r)
	return rawJSON(http.StatusCreated, appendRow(nil, rq.t, r))
}

func (s *Server) handleRowUpdate(rq *request) response {
	mode := modePut
	if rq.r.Method == http.MethodPatch {
		mode = modePatch
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	old := rq.t.byPK[rq.pk]
	if old == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	obj, resp, ok := decodeObject(rq.r, rq.body)
	if !ok {
		return resp
	}
	r, errs := decodeRow(rq.t, obj, mode, old)
	if errs != nil {
		return errs.response()
	}
	rq.t.replace(r)
	return rawJSON(http.StatusOK, appendRow(nil, rq.t, old))
}

func (s *Server) handleRowDestroy(rq *request) response {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	r := rq.t.byPK[rq.pk]
	if r == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	if n := s.st.imagesUsing(rq.t, r); n > 0 {
		return detail(http.StatusBadRequest, fmt.Sprintf(
			"%s %d is still used by %d docker image(s) (field %q) and cannot be deleted.", rq.t.label, r.pk, n, rq.t.imageRef))
	}
	rq.t.remove(r.pk)
	return noContent()
}

// decodeRow validates a lookup body into a new row (a copy of old for
// updates), including the table's uniqueness constraints.
func decodeRow(t *table, obj map[string]json.RawMessage, mode writeMode, old *lrow) (*lrow, *fieldErrors) {
	r := t.newRow()
	if old != nil {
		r = t.clone(old)
	}
	var errs fieldErrors
	for _, c := range t.cols {
		if c.kind == colList {
			continue // read-only here; see subdescriptors
		}
		raw, ok := obj[c.name]
		if !ok {
			if mode != modePatch {
				errs.add(c.name, msgRequired)
			}
			continue
		}
		if isNull(raw) {
			errs.add(c.name, msgNotNull)
			continue
		}
		switch c.kind {
		case colText, colURL:
			v, ok := jsonString(raw)
			if !ok {
				errs.add(c.name, msgNotString)
				continue
			}
			v = strings.TrimSpace(v)
			switch {
			case v == "":
				errs.add(c.name, msgNotBlank)
			case utf8.RuneCountInString(v) > c.maxLen:
				errs.add(c.name, tooLong(c.maxLen))
			case strings.ContainsRune(v, 0):
				errs.add(c.name, msgNullChars)
			case c.kind == colURL && !validAbsoluteURL(v):
				errs.add(c.name, msgBadURL)
			default:
				r.s[c.slot] = v
			}
		case colDecimal:
			var text string
			switch pyType(raw) {
			case "str":
				text, _ = jsonString(raw)
			case "int", "float":
				text = strings.TrimSpace(string(raw))
			default:
				errs.add(c.name, msgNotNumber)
				continue
			}
			canon, f, msg := parseDecimal(text)
			if msg != "" {
				errs.add(c.name, msg)
				continue
			}
			r.s[c.slot], r.f[c.fslot] = canon, f
		case colFloat:
			f, ok := jsonNumber(raw)
			if !ok {
				errs.add(c.name, msgNotNumber)
				continue
			}
			r.f[c.slot] = f
		}
	}
	for _, c := range t.cols {
		if c.unique && !errs.has(c.name) && takenBy(t, r, c) {
			errs.add(c.name, fmt.Sprintf("%s with this %s already exists.", t.verbose, c.name))
		}
	}
	if !errs.empty() {
		return nil, &errs
	}
	if len(t.together) > 0 && takenTogether(t, r) {
		names := make([]string, len(t.together))
		for i, ci := range t.together {
			names[i] = t.cols[ci].name
		}
		errs.add("non_field_errors", fmt.Sprintf("The fields %s must make a unique set.", strings.Join(names, ", ")))
		return nil, &errs
	}
	return r, nil
}

func sameValue(c column, a, b *lrow) bool {
	switch c.kind {
	case colDecimal:
		return a.f[c.fslot] == b.f[c.fslot]
	case colFloat:
		return a.f[c.slot] == b.f[c.slot]
	}
	return a.s[c.slot] == b.s[c.slot]
}

func takenBy(t *table, r *lrow, c column) bool {
	for _, o := range t.rows {
		if o.pk != r.pk && sameValue(c, o, r) {
			return true
		}
	}
	return false
}

func takenTogether(t *table, r *lrow) bool {
next:
	for _, o := range t.rows {
		if o.pk == r.pk {
			continue
		}
		for _, ci := range t.together {
			if !sameValue(t.cols[ci], o, r) {
				continue next
			}
		}
		return true
	}
	return false
}

// licenceDomains are the documented licence domains (api/licenses.md).
var licenceDomains = []string{"Software", "Models", "Data"}

// handleSubdescriptors adds or removes licence domains, permissions,
// limitations or conditions.
func (s *Server) handleSubdescriptors(rq *request) response {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := rq.t
	old := t.byPK[rq.pk]
	if old == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	obj, resp, ok := decodeObject(rq.r, rq.body)
	if !ok {
		return resp
	}
	var errs fieldErrors
	choice := func(name string, choices []string) string {
		raw, ok := obj[name]
		if !ok {
			errs.add(name, msgRequired)
			return ""
		}
		if isNull(raw) {
			errs.add(name, msgNotNull)
			return ""
		}
		v, _ := slug(raw)
		if !slices.Contains(choices, v) {
			errs.add(name, fmt.Sprintf("%q is not a valid choice.", v))
			return ""
		}
		return v
	}
	typ := choice("type", []string{"domains", "permissions", "limitations", "conditions"})
	method := choice("method", []string{"add", "remove"})
	var names []string
	if raw, ok := obj["names"]; !ok {
		errs.add("names", msgRequired)
	} else if isNull(raw) {
		errs.add("names", msgNotNull)
	} else if pyType(raw) != "list" {
		errs.add("names", fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw)))
	} else {
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		for _, it := range items {
			v, ok := jsonString(it)
			v = strings.TrimSpace(v)
			switch {
			case !ok:
				errs.add("names", msgNotString)
			case v == "":
				errs.add("names", msgNotBlank)
			case utf8.RuneCountInString(v) > 100:
				errs.add("names", tooLong(100))
			case typ == "domains" && method == "add" && !slices.Contains(licenceDomains, v):
				errs.add("names", fmt.Sprintf("Object with name=%s does not exist.", v))
			default:
				names = append(names, v)
				continue
			}
			break
		}
	}
	if !errs.empty() {
		return errs.response()
	}
	r := t.clone(old)
	slot := t.col(typ).slot
	list := r.l[slot]
	for _, n := range names {
		i, found := slices.BinarySearch(list, n)
		switch {
		case method == "add" && !found:
			list = slices.Insert(list, i, n)
		case method == "remove" && found:
			list = slices.Delete(list, i, i+1)
		}
	}
	r.l[slot] = list
	t.replace(r)
	return rawJSON(http.StatusOK, appendRow(nil, t, old))
}

var computeRe = regexp.MustCompile(`^\d+(\.\d+)?$`)

// handleHardwareGeneration finds the generation whose [min, max) compute
// capability range holds the given value.
func (s *Server) handleHardwareGeneration(rq *request) response {
	if !computeRe.MatchString(rq.arg) {
		return detail(http.StatusNotFound, msgNotFound)
	}
	c, err := strconv.ParseFloat(rq.arg, 64)
	if err != nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.t.hardware
	for _, r := range t.rows {
		if r.f[0] <= c && c < r.f[1] {
			return rawJSON(http.StatusOK, appendRow(nil, t, r))
		}
	}
	return detail(http.StatusNotFound, msgNotFound)
}
