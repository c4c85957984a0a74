package refserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// isBlankBody reports whether a body carries nothing: DRF treats an empty body
// as "no data", and the official clients send list requests without one.
func isBlankBody(body []byte) bool { return len(bytes.TrimSpace(body)) == 0 }

// checkMediaType answers 415 like DRF when a body comes with a content type no
// JSON parser accepts. A missing Content-Type is tolerated (read as JSON).
func checkMediaType(r *http.Request, body []byte) (response, bool) {
	ct := r.Header.Get("Content-Type")
	if ct == "" || isBlankBody(body) {
		return response{}, true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return response{}, true
	}
	return detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", ct)), false
}

// parseError renders a JSON syntax error the way DRF does ("JSON parse error - ...").
func parseError(err error) response {
	msg := err.Error()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	return detail(http.StatusBadRequest, "JSON parse error - "+msg)
}

// decodeObject parses a body that must be a JSON object into its raw members.
// A blank body is an empty object.
func decodeObject(r *http.Request, body []byte) (map[string]json.RawMessage, response, bool) {
	if resp, ok := checkMediaType(r, body); !ok {
		return nil, resp, false
	}
	if isBlankBody(body) {
		return map[string]json.RawMessage{}, response{}, true
	}
	if !json.Valid(body) {
		var v any
		return nil, parseError(json.Unmarshal(body, &v)), false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, notAnObject(body), false
	}
	return obj, response{}, true
}

func notAnObject(body []byte) response {
	msg := fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(body))
	return singleFieldError("non_field_errors", msg)
}

// pyType names the JSON value's type as Python would after json.loads; DRF's
// messages quote these names.
func pyType(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "NoneType"
	}
	switch raw[0] {
	case '"':
		return "str"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	case '[':
		return "list"
	case '{':
		return "dict"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "float"
	}
	return "int"
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// jsonString decodes a JSON string member; ok is false for any other type.
func jsonString(raw []byte) (string, bool) {
	if pyType(raw) != "str" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonInt decodes an integral JSON number (5 or 5.0) that fits in an int64.
func jsonInt(raw []byte) (int64, bool) {
	t := pyType(raw)
	if t != "int" && t != "float" {
		return 0, false
	}
	raw = bytes.TrimSpace(raw)
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// jsonNumber decodes a JSON number or, like DRF's FloatField, a numeric string.
func jsonNumber(raw []byte) (float64, bool) {
	switch pyType(raw) {
	case "int", "float":
		f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
		return f, err == nil && !math.IsInf(f, 0)
	case "str":
		s, _ := jsonString(raw)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}
