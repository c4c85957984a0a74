// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// apiError turns a non-2xx answer into an *APIError, with any secret the
// request carried scrubbed from the server's text.
func (c *Client) apiError(req *request, resp *response) *APIError {
	e := parseErrorBody(resp.body, resp.header.Get("Content-Type"))
	e.Method, e.Path, e.Host, e.Status = req.method, req.path, c.host, resp.status
	e.retryAfter = resp.header.Get("Retry-After") != ""
	if resp.status >= 300 && resp.status < 400 {
		if loc := resp.header.Get("Location"); loc != "" {
			e.Summary = strings.TrimSpace("redirected to " + excerpt(loc, 200) + "; the client does not follow redirects, check the host URL")
		}
	}
	scrub := func(s string) string { return c.secrets.scrub(s, req.hide...) }
	e.Detail, e.Summary = scrub(e.Detail), scrub(e.Summary)
	for k, msgs := range e.FieldErrors {
		for i := range msgs {
			msgs[i] = scrub(msgs[i])
		}
		e.FieldErrors[k] = msgs
	}
	return e
}

// parseErrorBody reads a DRF error body; anything that is not JSON is reduced to
// a short readable Summary. It never fails.
func parseErrorBody(body []byte, contentType string) *APIError {
	e := &APIError{}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Summary = "empty response body"
		return e
	}
	if looksHTML(trimmed, contentType) {
		e.Summary = htmlSummary(trimmed)
		return e
	}
	if trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"' {
		e.Summary = excerpt(string(trimmed), 200)
		return e
	}
	var v any
	if err := json.Unmarshal(trimmed, &v); err != nil {
		e.Summary = "malformed JSON: " + excerpt(string(trimmed), 200)
		return e
	}
	switch x := v.(type) {
	case map[string]any:
		// DRF: {"detail": "..."} alone, or {"field": [...]}; simplejwt adds code/messages
		// next to detail, which repeat it.
		if d, ok := x["detail"]; ok {
			e.Detail = strings.Join(capMessages(flattenMessages(d)), " ")
			return e
		}
		for k, val := range x {
			if e.FieldErrors == nil {
				e.FieldErrors = map[string][]string{}
			}
			e.FieldErrors[excerpt(k, 100)] = capMessages(flattenMessages(val))
		}
	case []any, string:
		e.Detail = strings.Join(capMessages(flattenMessages(x)), " ")
	}
	return e
}

// capMessages keeps each server message to one line of bounded length.
func capMessages(msgs []string) []string {
	for i, m := range msgs {
		msgs[i] = excerpt(m, 500)
	}
	return msgs
}

// marshalJSON encodes without HTML escaping, so that "<", ">=" and "&" go out
// as written rather than as \u003c escapes.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// flattenMessages turns a DRF error value (string, list, nested object) into
// messages; nested objects keep their keys as prefixes ("0: ...").
func flattenMessages(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flattenMessages(e)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, m := range flattenMessages(x[k]) {
				out = append(out, k+": "+m)
			}
		}
		return out
	default:
		return []string{fmt.Sprint(x)}
	}
}

var (
	reTitle     = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	reException = regexp.MustCompile(`(?is)<pre[^>]*class="exception_value"[^>]*>(.*?)</pre>`)
	reDrop      = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`)
	reTag       = regexp.MustCompile(`(?s)<[^>]*>`)
)

func looksHTML(body []byte, contentType string) bool {
	return strings.Contains(strings.ToLower(contentType), "html") || (len(body) > 0 && body[0] == '<')
}

// htmlSummary reduces an HTML page to its title (plus Django's exception line on
// a debug page), or to the start of its text when it has no title.
func htmlSummary(body []byte) string {
	var parts []string
	if m := reTitle.FindSubmatch(body); m != nil {
		if t := cleanText(string(m[1])); t != "" {
			parts = append(parts, t)
		}
	}
	if m := reException.FindSubmatch(body); m != nil {
		if t := cleanText(string(m[1])); t != "" && (len(parts) == 0 || t != parts[0]) {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		text := reTag.ReplaceAllString(reDrop.ReplaceAllString(string(body), " "), " ")
		if t := cleanText(text); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return "HTML page without text"
	}
	return excerpt(strings.Join(parts, ": "), 200)
}

// cleanText unescapes entities and collapses whitespace and control characters.
func cleanText(s string) string {
	s = html.UnescapeString(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// excerpt is at most n runes of s on one line, marked when cut.
func excerpt(s string, n int) string {
	s = cleanText(strings.ToValidUTF8(s, "?"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// shape says what a JSON object must look like before it is accepted.
type shape struct {
	required []string // keys that must be present
	nullable []string // required keys that may be null
}

// decodeObject decodes one JSON object into out after checking its shape. It
// returns "" on success, else a reason a user can read (never raw decoder text).
func decodeObject(body []byte, s shape, out any) string {
	trimmed := bytes.TrimSpace(body)
	if reason := notA(trimmed, '{', "a JSON object"); reason != "" {
		return reason
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		return jsonReason(err)
	}
	if reason := checkKeys(raw, s); reason != "" {
		return reason
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		return jsonReason(err)
	}
	return ""
}

// decodeList decodes a JSON array whose items each pass decodeObject.
func decodeList[T any](body []byte, s shape, check func(*T) string) ([]T, string) {
	trimmed := bytes.TrimSpace(body)
	if reason := notA(trimmed, '[', "a JSON array"); reason != "" {
		return nil, reason
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		return nil, jsonReason(err)
	}
	out := make([]T, len(items))
	for i, item := range items {
		reason := decodeObject(item, s, &out[i])
		if reason == "" && check != nil {
			reason = check(&out[i])
		}
		if reason != "" {
			return nil, fmt.Sprintf("item %d: %s", i, reason)
		}
	}
	return out, ""
}

// notA explains why body does not start like the wanted JSON kind.
func notA(body []byte, open byte, want string) string {
	switch {
	case len(body) == 0:
		return "the body is empty"
	case body[0] == open:
		return ""
	case body[0] == '<':
		return "it is an HTML page (" + htmlSummary(body) + ")"
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "it is not JSON (starts with " + fmt.Sprintf("%q", excerpt(string(body), 20)) + ")"
	}
	return fmt.Sprintf("expected %s, got %s", want, jsonKind(v))
}

func checkKeys(raw map[string]json.RawMessage, s shape) string {
	var missing, null []string
	for _, k := range s.required {
		v, ok := raw[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case string(bytes.TrimSpace(v)) == "null" && !slices.Contains(s.nullable, k):
			null = append(null, k)
		}
	}
	switch {
	case len(missing) > 0:
		return "missing field " + strings.Join(quoteAll(missing), ", ")
	case len(null) > 0:
		return "field " + strings.Join(quoteAll(null), ", ") + " must not be null"
	}
	return ""
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// jsonReason rewords encoding/json errors.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return fmt.Sprintf("a JSON %s where %s was expected", kindOfValue(typ.Value), kindOfType(typ.Type))
		}
		return fmt.Sprintf("field %q is a JSON %s, expected %s", field, kindOfValue(typ.Value), kindOfType(typ.Type))
	case errors.As(err, &syn):
		if strings.Contains(syn.Error(), "unexpected end") {
			return "the JSON is truncated"
		}
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	}
	return "the JSON cannot be read"
}

// kindOfValue maps UnmarshalTypeError.Value ("string", "number 1.5") to a kind.
func kindOfValue(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 {
		v = v[:i]
	}
	if v == "bool" {
		return "boolean"
	}
	return v
}

func kindOfType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return kindOfType(t.Elem())
	}
	return "another type"
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "something else"
}

// reObjectPath matches the path of one object's endpoint, e.g. /v1/docker/5.
var reObjectPath = regexp.MustCompile(`/([0-9]+)/?$`)

// answersForAnother says why a well-formed answer of a call to one object's
// endpoint describes another object (a confused proxy or cache handing out the
// answer of another request): "" when its "pk" is the path's, or when either
// has none. Taking such an answer would put another image's values in state.
func answersForAnother(path string, body []byte) string {
	m := reObjectPath.FindStringSubmatch(path)
	if m == nil {
		return ""
	}
	var obj struct {
		PK *json.Number `json:"pk"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &obj) != nil || obj.PK == nil {
		return ""
	}
	want, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return ""
	}
	if got, err := obj.PK.Int64(); err != nil || got != want {
		return fmt.Sprintf("it describes pk %s, not pk %d as asked", excerpt(obj.PK.String(), 30), want)
	}
	return ""
}
