// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// The request body as DRF reads it (request.data): JSON, a form, or nothing.
// The backend reads it before anything else on its view sets (its request
// log prints it), so a body that does not parse fails every request to them,
// whatever the route, method, token or permission.

type dataKind uint8

const (
	dataNone dataKind = iota // no body: an empty dict
	dataJSON
	dataForm
)

type reqData struct {
	kind dataKind
	json []byte     // dataJSON: the body
	form url.Values // dataForm
}

// isBlankBody reports whether a body carries nothing: DRF treats an empty body
// as "no data", and the official clients send list requests without one.
func isBlankBody(body []byte) bool { return len(bytes.TrimSpace(body)) == 0 }

// parseData parses a body with DRF's parsers (JSON, form); any other or a
// missing content type is 415, a syntax error 400.
func parseData(r *http.Request, body []byte) (reqData, *response) {
	if len(body) == 0 {
		return reqData{}, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err == nil && mt == "application/json":
		if msg := pyJSONError(body); msg != "" {
			resp := detail(http.StatusBadRequest, "JSON parse error - "+msg)
			return reqData{}, &resp
		}
		return reqData{kind: dataJSON, json: body}, nil
	case err == nil && mt == "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			form = url.Values{}
		}
		return reqData{kind: dataForm, form: form}, nil
	}
	resp := detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", ct))
	return reqData{}, &resp
}

// object gives a serializer's view of the data: members of a JSON object (or
// of a form, each field its last value), with the answers DRF gives for data
// that is not a dict.
func (d reqData) object() (map[string]json.RawMessage, response, bool) {
	switch d.kind {
	case dataNone:
		return map[string]json.RawMessage{}, response{}, true
	case dataForm:
		obj := map[string]json.RawMessage{}
		for k, vs := range d.form {
			b, _ := json.Marshal(vs[len(vs)-1])
			obj[k] = b
		}
		return obj, response{}, true
	}
	switch pyType(d.json) {
	case "dict":
		var obj map[string]json.RawMessage
		_ = json.Unmarshal(d.json, &obj)
		return obj, response{}, true
	case "NoneType":
		return nil, singleFieldError("non_field_errors", "No data provided"), false
	}
	return nil, singleFieldError("non_field_errors", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(d.json))), false
}

// listBody is the data as the list views see it: the JSON body, or a form as
// the dict of its value lists.
func (d reqData) listBody() []byte {
	switch d.kind {
	case dataJSON:
		return d.json
	case dataForm:
		m := map[string][]string{}
		for k, vs := range d.form {
			m[k] = vs
		}
		b, _ := json.Marshal(m)
		return b
	}
	return nil
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

// jsonNumber decodes a value like DRF's FloatField: a number, a numeric
// string, or a boolean (float(True) is 1.0). Infinities and NaN are refused:
// the real backend stores them, answers the write with a 500 and then fails
// every read of the row and every list of its table (its JSON renderer
// refuses them), which a reference server should not copy.
func jsonNumber(raw []byte) (float64, bool) {
	switch pyType(raw) {
	case "int", "float":
		f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
		return f, err == nil && !math.IsInf(f, 0)
	case "str":
		s, _ := jsonString(raw)
		f, err := strconv.ParseFloat(trimPySpace(s), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case "bool":
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("t")) {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func trimPySpace(s string) string { return string(bytes.TrimSpace([]byte(s))) }
