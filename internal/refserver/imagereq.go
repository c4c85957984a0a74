package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
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
	errs fieldErrors
}

// member returns the raw value of a field, or ok=false when the field is
// absent and nothing is to be done (PATCH, or optional on create/PUT).
func (d *imageDecoder) member(name string, required bool) (json.RawMessage, bool) {
	raw, ok := d.obj[name]
	if ok {
		return raw, true
	}
	if required && d.mode != modePatch {
		d.errs.add(name, msgRequired)
	}
	return nil, false
}

// text validates a CharField value; nullable fields report null as ok=false
// without an error.
func (d *imageDecoder) text(name string, raw json.RawMessage, maxLen int, url, nullable bool) (string, bool) {
	if isNull(raw) {
		if !nullable {
			d.errs.add(name, msgNotNull)
		}
		return "", false
	}
	v, ok := jsonString(raw)
	if !ok {
		d.errs.add(name, msgNotString)
		return "", false
	}
	// DRF trims surrounding whitespace before validating.
	v = strings.TrimSpace(v)
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
	} else if url && !validImageURL(v) {
		d.errs.add(name, msgBadURL)
		bad = true
	}
	return v, !bad
}

// slug renders a value for a SlugRelatedField lookup as Django would see it:
// strings as they are, numbers and booleans by their Python text.
func slug(raw json.RawMessage) (string, bool) {
	switch pyType(raw) {
	case "str":
		return jsonString(raw)
	case "int", "float":
		return string(bytes.TrimSpace(raw)), true
	case "bool":
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("t")) {
			return "True", true
		}
		return "False", true
	}
	return "", false
}

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
	v, ok := slug(raw)
	if !ok {
		d.errs.add(name, msgInvalid)
		return nil, false
	}
	r := find(v)
	if r == nil {
		d.errs.add(name, fmt.Sprintf("Object with %s=%s does not exist.", slugName, v))
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
	var pk int64
	var ok bool
	typ := pyType(raw)
	switch typ {
	case "int", "float":
		pk, ok = jsonInt(raw)
	case "str":
		// Django looks a digit string up as the pk it spells.
		s, _ := jsonString(raw)
		if s != "" && strings.Trim(s, "0123456789") == "" && len(s) < 19 {
			pk, ok = jsonInt(json.RawMessage(s))
		}
	}
	if !ok {
		d.errs.add(name, fmt.Sprintf("Incorrect type. Expected pk value, received %s.", typ))
		return nil, false
	}
	r := t.byPK[pk]
	if r == nil {
		d.errs.add(name, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", pk))
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
	var items []json.RawMessage
	if pyType(raw) != "list" || json.Unmarshal(raw, &items) != nil {
		d.errs.add(name, fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw)))
		return nil, false
	}
	out := make([]*lrow, 0, len(items))
	for _, it := range items {
		v, ok := slug(it)
		if !ok {
			d.errs.add(name, msgInvalid)
			return nil, false
		}
		r := t.findText("name", v)
		if r == nil {
			d.errs.add(name, fmt.Sprintf("Object with name=%s does not exist.", v))
			return nil, false
		}
		if !slices.Contains(out, r) { // a set: duplicates collapse
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *lrow) int { return cmpInt(a.pk, b.pk) })
	return slices.Clip(out), true
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
func (s *Server) decodeImage(obj map[string]json.RawMessage, mode writeMode, old *image, nullHWRefused bool) (*image, *fieldErrors) {
	ts := s.st.t
	im := &image{}
	if old != nil {
		*im = *old
	}
	d := &imageDecoder{obj: obj, mode: mode}

	for _, f := range []struct {
		name string
		max  int
		url  bool
		dst  *string
	}{
		{"name", 64, false, &im.name},
		{"version", 32, false, &im.version},
		{"url", 200, true, &im.url},
		{"registry_url", 200, true, &im.registryURL},
	} {
		if raw, ok := d.member(f.name, true); ok {
			if v, ok := d.text(f.name, raw, f.max, f.url, false); ok {
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
			v, ok := d.text(f.name, raw, 64, false, true)
			if len(d.errs.keys) == before {
				*f.dst, *f.valid = v, ok
			}
		}
	}
	if raw, ok := d.member("cuda_version", true); ok {
		if r, ok := d.relation("cuda_version", raw, "version", func(v string) *lrow { return ts.cuda.findDecimal("version", v) }, false); ok {
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
	if raw, ok := d.member("tasks", false); ok {
		if rs, ok := d.tasks(raw, ts.contracts); ok {
			im.tasks = rs
		}
	}
	// The real backend's serializer declares the generation non-null, so it is
	// required there; documented, it may be left out (null) for CPU images.
	if raw, ok := d.member("min_hardware_generation", nullHWRefused); ok {
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
