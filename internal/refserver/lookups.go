// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Endpoints of the lookup tables (cuda, frameworks, hardware, licences,
// job-contracts, domains), one generic implementation over table schemas.

func (s *Server) handleRowList(rq *request) response {
	q, errResp := compileFilter(rq.data.listBody(), &rq.t.fields, s.filterSyntax())
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
	return s.onRow(rq, false, func(r *lrow) response {
		return rawJSON(http.StatusOK, appendRow(nil, rq.t, r))
	})
}

func (s *Server) handleRowCreate(rq *request) response {
	obj, resp, ok := rq.data.object()
	if !ok {
		return resp
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	r, errs := decodeRow(rq.t, obj, modeCreate, nil)
	if errs != nil {
		return errs.response()
	}
	// A database constraint fails the insert after its pk was taken.
	if cols, vals, name := dbClash(rq.t, r); name != "" {
		rq.t.nextPK++
		return uniqueViolation(name, cols, vals)
	}
	rq.t.insert(r)
	return rawJSON(http.StatusCreated, appendRow(nil, rq.t, r))
}

func (s *Server) handleRowUpdate(rq *request) response {
	mode := rq.updateMode()
	return s.onRow(rq, true, func(old *lrow) response {
		obj, resp, ok := rq.data.object()
		if !ok {
			return resp
		}
		r, errs := decodeRow(rq.t, obj, mode, old)
		if errs != nil {
			return errs.response()
		}
		if _, _, name := dbClash(rq.t, r); name != "" {
			return htmlServerError() // an unhandled IntegrityError
		}
		rq.t.replace(r)
		return rawJSON(http.StatusOK, appendRow(nil, rq.t, old))
	})
}

// handleRowDestroy deletes a row. The backend's lookup models delete only
// when nothing references them and answer 204 either way; a licence has no
// such check, and the database's foreign key fails the delete (500).
func (s *Server) handleRowDestroy(rq *request) response {
	return s.onRow(rq, true, func(r *lrow) response {
		if s.st.imagesUsing(rq.t, r) > 0 {
			if rq.t == s.st.t.licences {
				return htmlServerError()
			}
			return noContent()
		}
		rq.t.remove(r.pk)
		return noContent()
	})
}

// dbClash reports a row that breaks one of the table's database unique
// constraints: the columns, the row's values and the constraint's name.
func dbClash(t *table, r *lrow) (cols, vals, name string) {
	for _, c := range t.cols {
		if c.dbName != "" && takenBy(t, r, c) {
			return c.name, r.s[c.slot], c.dbName
		}
	}
	if len(t.together) > 0 && takenTogether(t, r) {
		var cs, vs []string
		for _, ci := range t.together {
			cs = append(cs, t.cols[ci].name)
			vs = append(vs, r.s[t.cols[ci].slot])
		}
		return strings.Join(cs, ", "), strings.Join(vs, ", "), t.togetherName
	}
	return "", "", ""
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
			// DRF's CharField: numbers are their Python text.
			switch pyType(raw) {
			case "str", "int", "float":
			default:
				errs.add(c.name, msgNotString)
				continue
			}
			v := strings.TrimSpace(pyStr(raw))
			if v == "" {
				errs.add(c.name, msgNotBlank)
				continue
			}
			// DRF runs every validator and reports each failure, in order.
			failed := false
			check := func(ok bool, msg string) {
				if !ok {
					errs.add(c.name, msg)
					failed = true
				}
			}
			check(utf8.RuneCountInString(v) <= c.maxLen, tooLong(c.maxLen))
			check(!strings.ContainsRune(v, 0), msgNullChars)
			if c.kind == colURL {
				check(validAbsoluteURL(v), msgBadURL)
			}
			if !failed {
				r.s[c.slot] = v
			}
		case colDecimal:
			// DRF reads the value's Python text: a JSON float as its repr
			// (987.50 is "987.5"), True as "True".
			canon, f, msg := parseCUDAVersion(pyStr(raw))
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
			errs.add(c.name, fmt.Sprintf("%s with this %s already exists.", t.verbose, strings.ReplaceAll(c.name, "_", " ")))
		}
	}
	if !errs.empty() {
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

// handleSubdescriptors adds or removes licence domains, permissions,
// limitations or conditions. The body is validated against the backend's
// schema (LicenceSubdescriptorModSpec) before the licence is looked up. An
// added name that no licence has yet is created; a number names an existing
// subdescriptor by pk, which the reference server does not keep, so adding one
// is a bad value and removing one does nothing.
func (s *Server) handleSubdescriptors(rq *request) response {
	spec, ok := pyDict(rq.data.listBody())
	if rq.data.kind == dataNone {
		spec, ok = map[string]json.RawMessage{}, true
	}
	if !ok {
		return htmlServerError()
	}
	typ, method, names, err := subdescriptorSpec(spec)
	if err != nil {
		b, _ := json.Marshal(spec)
		return err.response(b, subdescriptorSchemaSummary)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := rq.t
	old := t.byPK[rq.pk]
	if old == nil {
		return detail(http.StatusNotFound, msgNotFound)
	}
	r := t.clone(old)
	slot := t.col(typ).slot
	list := r.l[slot]
	for _, raw := range names {
		n, isName := jsonString(raw)
		i := slices.Index(list, n)
		switch {
		case method == "add" && !isName:
			return detail(http.StatusBadRequest, "Bad value for modify_subdescriptors parameter 'names': "+pyStr(raw))
		case method == "add" && i < 0:
			list = append(list, n)
		case method == "remove" && isName && i >= 0:
			list = slices.Delete(list, i, i+1)
		}
	}
	r.l[slot] = list
	t.replace(r)
	return rawJSON(http.StatusOK, appendRow(nil, t, old))
}

const subdescriptorSchemaSummary = `LicenceSubdescriptorModSpec {type: permissions | conditions | limitations | domains, method: add | remove, names: 1 or more distinct names (1 to 100 characters) or pks}`

// subdescriptorSpec validates a subdescriptor modification.
func subdescriptorSpec(spec map[string]json.RawMessage) (typ, method string, names []json.RawMessage, err *schemaError) {
	raw, _ := json.Marshal(spec)
	m, err := members(raw, "the modification", []string{"type", "method", "names"}, []string{"method", "names", "type"})
	if err != nil {
		return "", "", nil, err
	}
	typ, _ = jsonString(m["type"])
	if !slices.Contains([]string{"permissions", "conditions", "limitations", "domains"}, typ) || pyType(m["type"]) != "str" {
		return "", "", nil, schemaErr("%s is not one of ['permissions', 'conditions', 'limitations', 'domains']", pyRepr(m["type"]))
	}
	method, _ = jsonString(m["method"])
	if (method != "add" && method != "remove") || pyType(m["method"]) != "str" {
		return "", "", nil, schemaErr("%s is not one of ['add', 'remove']", pyRepr(m["method"]))
	}
	if pyType(m["names"]) != "list" || json.Unmarshal(m["names"], &names) != nil {
		return "", "", nil, schemaErr("%s is not of type 'array'", pyRepr(m["names"]))
	}
	if len(names) == 0 {
		return "", "", nil, schemaErr("[] is too short")
	}
	seen := map[string]bool{}
	for _, n := range names {
		str, isStr := jsonString(n)
		i, isInt := jsonInt(n)
		switch {
		case isStr && (str == "" || utf8.RuneCountInString(str) > 100),
			!isStr && (!isInt || i < 1 || pyType(n) == "bool"):
			return "", "", nil, schemaErr("%s is not valid under any of the given schemas", pyRepr(n))
		}
		if seen[pyRepr(n)] {
			return "", "", nil, schemaErr("%s has non-unique elements", pyRepr(m["names"]))
		}
		seen[pyRepr(n)] = true
	}
	return typ, method, names, nil
}

// handleHardwareGeneration finds the generation whose [min, max) compute
// capability range holds the given value; a value that is not a number, or
// that no generation covers, is a bad argument naming the known range.
func (s *Server) handleHardwareGeneration(rq *request) response {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.t.hardware
	if c, ok := pyFloatParse(rq.arg); ok {
		for _, r := range t.rows { // pk order: the backend takes the first
			if r.f[0] <= c && c < r.f[1] {
				return rawJSON(http.StatusOK, appendRow(nil, t, r))
			}
		}
	}
	lo, hi := "None", "None" // Python's aggregate of an empty table
	if len(t.rows) > 0 {
		lo, hi = pyFloat(minF(t.rows, 0)), pyFloat(maxF(t.rows, 1))
	}
	return detail(http.StatusBadRequest, fmt.Sprintf("Bad value for get_hardware_generation parameter 'compute': %s, options: [%s, %s)", rq.arg, lo, hi))
}

func minF(rows []*lrow, slot int) float64 {
	m := rows[0].f[slot]
	for _, r := range rows {
		m = min(m, r.f[slot])
	}
	return m
}

func maxF(rows []*lrow, slot int) float64 {
	m := rows[0].f[slot]
	for _, r := range rows {
		m = max(m, r.f[slot])
	}
	return m
}

// pyFloatParse is Python's float() of a string: surrounding whitespace,
// underscores between digits, inf and nan allowed.
func pyFloatParse(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "__") || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return f, err == nil
}
