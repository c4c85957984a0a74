// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decoding and validating image bodies (create, PUT, PATCH) with the
// semantics of the backend's DRF serializer: field errors in declaration
// order, "" meaning null for relations, absent optional fields keeping their
// value on PUT and PATCH, unknown keys ignored.

type writeMode uint8

const (
	modeCreate writeMode = iota
	modePut
	modePatch
)

const (
	msgCPUOnlyNull = "This field may be null only for CPU images (cpu = true)."
	msgNullChars   = "Null characters are not allowed."
	msgInvalid     = "Invalid value."
)

func tooLong(n int) string {
	return fmt.Sprintf("Ensure this field has no more than %d characters.", n)
}

type imageDecoder struct {
	obj  map[string]json.RawMessage
	mode writeMode
	form bool // the body was a form: DRF's rules for HTML input apply
	errs fieldErrors
}

// formDefaults are what DRF reads for a field a form leaves out (outside
// PATCH): an empty task list and false, not "required".
var formDefaults = map[string]json.RawMessage{"tasks": json.RawMessage(`[]`), "cpu": json.RawMessage(`false`)}

// member returns the raw value of a field, or ok=false when the field is
// absent and nothing is to be done (PATCH, or optional on create/PUT).
func (d *imageDecoder) member(name string, required bool) (json.RawMessage, bool) {
	raw, ok := d.obj[name]
	if ok {
		if d.form && (name == "registry_username" || name == "registry_password") && string(raw) == `""` {
			return json.RawMessage(`null`), true // a blank form field is null where null is allowed
		}
		return raw, true
	}
	if d.form && d.mode != modePatch && formDefaults[name] != nil {
		return formDefaults[name], true
	}
	if required && d.mode != modePatch {
		d.errs.add(name, msgRequired)
	}
	return nil, false
}

// text validates a CharField value the way DRF does: numbers are taken as
// their Python text (str(7.0) is "7.0"), booleans and other types are not
// strings, surrounding whitespace is trimmed, and the size counts characters.
// Nullable fields report null as ok=false without an error.
func (d *imageDecoder) text(name string, raw json.RawMessage, maxLen int, nullable bool) (string, bool) {
	if isNull(raw) {
		if !nullable {
			d.errs.add(name, msgNotNull)
		}
		return "", false
	}
	switch pyType(raw) {
	case "str", "int", "float":
	default:
		d.errs.add(name, msgNotString)
		return "", false
	}
	v := strings.TrimSpace(pyStr(raw))
	if v == "" {
		d.errs.add(name, msgNotBlank)
		return "", false
	}
	bad := false
	if utf8.RuneCountInString(v) > maxLen {
		d.errs.add(name, tooLong(maxLen))
		bad = true
	}
	if strings.ContainsRune(v, 0) {
		d.errs.add(name, msgNullChars)
		bad = true
	}
	return v, !bad
}

// slug renders a value for a SlugRelatedField lookup as Django sees it:
// Python's str() of the value (a CharField lookup compares text).
func slug(raw json.RawMessage) string { return pyStr(raw) }

// relation resolves a slug-related field. Null (or "", which DRF turns into
// null for relations) gives (nil, true) when allowed.
func (d *imageDecoder) relation(name string, raw json.RawMessage, slugName string, find func(string) *lrow, nullable bool) (*lrow, bool) {
	if isNull(raw) || bytes.Equal(bytes.TrimSpace(raw), []byte(`""`)) {
		if !nullable {
			d.errs.add(name, msgNotNull)
			return nil, false
		}
		return nil, true
	}
	v := slug(raw)
	r := find(v)
	if r == nil {
		d.errs.add(name, fmt.Sprintf("Object with %s=%s does not exist.", slugName, v))
		return nil, false
	}
	return r, true
}

// cudaVersion resolves the CUDA version, a slug on a decimal column: Django
// converts the value to a Decimal first, and a value that is not one fails
// with Django's own message.
func (d *imageDecoder) cudaVersion(raw json.RawMessage, t *table) (*lrow, bool) {
	const name = "cuda_version"
	if isNull(raw) || bytes.Equal(bytes.TrimSpace(raw), []byte(`""`)) {
		d.errs.add(name, msgNotNull)
		return nil, false
	}
	f, ok := decimalLookup(raw)
	if !ok {
		d.errs.add(name, fmt.Sprintf("\u201c%s\u201d value must be a decimal number.", pyStr(raw)))
		return nil, false
	}
	var r *lrow
	slot := t.col("version").fslot
	for _, row := range t.rows {
		if row.f[slot] == f {
			r = row
		}
	}
	if r == nil {
		d.errs.add(name, fmt.Sprintf("Object with version=%s does not exist.", pyStr(raw)))
		return nil, false
	}
	return r, true
}

func (d *imageDecoder) framework(raw json.RawMessage, t *table) (*lrow, bool) {
	const name = "framework"
	if isNull(raw) || bytes.Equal(bytes.TrimSpace(raw), []byte(`""`)) {
		d.errs.add(name, msgNotNull)
		return nil, false
	}
	// Django looks the pk up through int(): digit strings and floats (which
	// it truncates) are pks, anything else is the wrong type.
	var pk int64
	ok := false
	typ := pyType(raw)
	switch typ {
	case "int":
		pk, ok = jsonInt(raw)
	case "float":
		if f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64); err == nil && math.Abs(f) < 1<<62 {
			pk, ok = int64(f), true
		}
	case "str":
		s, _ := jsonString(raw)
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		pk, ok = n, err == nil
	}
	if !ok {
		d.errs.add(name, fmt.Sprintf("Incorrect type. Expected pk value, received %s.", typ))
		return nil, false
	}
	r := t.byPK[pk]
	if r == nil {
		d.errs.add(name, fmt.Sprintf("Invalid pk \"%s\" - object does not exist.", pyStr(raw)))
		return nil, false
	}
	return r, true
}

func (d *imageDecoder) tasks(raw json.RawMessage, t *table) ([]*lrow, bool) {
	const name = "tasks"
	if isNull(raw) {
		d.errs.add(name, msgNotNull)
		return nil, false
	}
	// DRF iterates whatever is iterable and not a string: a list's items, a
	// dict's keys.
	var items []json.RawMessage
	switch pyType(raw) {
	case "list":
		_ = json.Unmarshal(raw, &items)
	case "dict":
		dec := json.NewDecoder(bytes.NewReader(raw))
		_, _ = dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			var v json.RawMessage
			_ = dec.Decode(&v)
			kb, _ := json.Marshal(k)
			items = append(items, kb)
		}
	default:
		d.errs.add(name, fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw)))
		return nil, false
	}
	out := make([]*lrow, 0, len(items))
	for _, it := range items {
		v := slug(it)
		r := t.findText("name", v)
		if r == nil {
			d.errs.add(name, fmt.Sprintf("Object with name=%s does not exist.", v))
			return nil, false
		}
		if !slices.Contains(out, r) { // a set: duplicates collapse
			out = append(out, r)
		}
	}
	return out, true
}

// linkTasks orders an image's tasks the way the backend stores their links:
// links it already had stay first, in their order, and new links follow in
// job-contract pk order (Django adds a set of ids, which iterates in that
// order for small ints). Reads return the links in storage order.
func linkTasks(old, set []*lrow) []*lrow {
	out := make([]*lrow, 0, len(set))
	for _, r := range old {
		if slices.Contains(set, r) {
			out = append(out, r)
		}
	}
	var added []*lrow
	for _, r := range set {
		if !slices.Contains(out, r) {
			added = append(added, r)
		}
	}
	slices.SortFunc(added, func(a, b *lrow) int { return cmpInt(a.pk, b.pk) })
	return slices.Clip(append(out, added...))
}

// DRF BooleanField's accepted spellings.
var (
	trueWords  = []string{"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
	falseWords = []string{"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}
)

func (d *imageDecoder) boolean(name string, raw json.RawMessage) (bool, bool) {
	if isNull(raw) {
		d.errs.add(name, msgNotNull)
		return false, false
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	switch x := v.(type) {
	case bool:
		return x, true
	case float64:
		if x == 1 || x == 0 {
			return x == 1, true
		}
	case string:
		if slices.Contains(trueWords, x) {
			return true, true
		}
		if slices.Contains(falseWords, x) {
			return false, true
		}
	}
	d.errs.add(name, msgNotBool)
	return false, false
}

// decodeImage applies a body to old (nil on create) and returns the new
// image, or field errors. It reads the lookup tables: the caller holds the
// store lock. nullHWRefused is the ufdl-backend serializer's refusal of a
// null min_hardware_generation.
func (s *Server) decodeImage(obj map[string]json.RawMessage, mode writeMode, old *image, form, nullHWRefused bool) (*image, *fieldErrors) {
	ts := s.st.t
	im := &image{}
	if old != nil {
		*im = *old
	}
	d := &imageDecoder{obj: obj, mode: mode, form: form}

	// The backend stores both URLs as plain CharFields: any text is kept.
	for _, f := range []struct {
		name string
		max  int
		dst  *string
	}{
		{"name", 64, &im.name},
		{"version", 32, &im.version},
		{"url", 200, &im.url},
		{"registry_url", 200, &im.registryURL},
	} {
		if raw, ok := d.member(f.name, true); ok {
			if v, ok := d.text(f.name, raw, f.max, false); ok {
				*f.dst = v
			}
		}
	}
	for _, f := range []struct {
		name  string
		dst   *string
		valid *bool
	}{
		{"registry_username", &im.regUser, &im.hasUser},
		{"registry_password", &im.regPass, &im.hasPass},
	} {
		if raw, ok := d.member(f.name, false); ok {
			before := len(d.errs.keys)
			v, ok := d.text(f.name, raw, 64, true)
			if len(d.errs.keys) == before {
				*f.dst, *f.valid = v, ok
			}
		}
	}
	if raw, ok := d.member("cuda_version", true); ok {
		if r, ok := d.cudaVersion(raw, ts.cuda); ok {
			im.cuda = r
		}
	}
	if raw, ok := d.member("framework", true); ok {
		if r, ok := d.framework(raw, ts.frameworks); ok {
			im.framework = r
		}
	}
	if raw, ok := d.member("domain", true); ok {
		if r, ok := d.relation("domain", raw, "name", func(v string) *lrow { return ts.domains.findText("name", v) }, false); ok {
			im.domain = r
		}
	}
	if raw, ok := d.member("tasks", true); ok {
		if rs, ok := d.tasks(raw, ts.contracts); ok {
			var had []*lrow
			if old != nil {
				had = old.tasks
			}
			im.tasks = linkTasks(had, rs)
		}
	}
	// Required in both profiles; the real backend's serializer also refuses
	// null, which the documentation allows (for CPU images).
	if raw, ok := d.member("min_hardware_generation", true); ok {
		if r, ok := d.relation("min_hardware_generation", raw, "generation", func(v string) *lrow { return ts.hardware.findText("generation", v) }, !nullHWRefused); ok {
			im.hw = r
		}
	}
	if raw, ok := d.member("cpu", false); ok {
		if v, ok := d.boolean("cpu", raw); ok {
			im.cpu = v
		}
	}
	if raw, ok := d.member("licence", true); ok {
		if r, ok := d.relation("licence", raw, "name", func(v string) *lrow { return ts.licences.findText("name", v) }, false); ok {
			im.licence = r
		}
	}
	if !d.errs.empty() {
		return nil, &d.errs
	}
	return im, nil
}

// cpuRuleError enforces "min_hardware_generation may be null only when cpu
// is true", checked on the merged result so that a PATCH of cpu alone counts.
func cpuRuleError(im *image) *fieldErrors {
	if im.hw != nil || im.cpu {
		return nil
	}
	var e fieldErrors
	e.add("min_hardware_generation", msgCPUOnlyNull)
	return &e
}
