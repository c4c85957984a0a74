// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// A view is what a case compares of a response body: the body reduced to what
// does not change between runs. Values that do change are normalised first:
// the run's tag becomes {{tag}}, the pk of an object this run created becomes
// {{pk:NAME}} (or {{new}} when the case did not name it).

type selector struct {
	kind   string   // none, unordered, body, keys, head, fields, list, seed, mixed, header
	fields []string // fields, list, seed
	max    int64    // seed: pks up to this are the seed rows
	header string   // header
}

func parseSelector(s string) (selector, error) {
	name, arg, _ := strings.Cut(s, ":")
	sel := selector{kind: name}
	switch name {
	case "none", "unordered", "body", "keys", "head":
		if arg != "" {
			return sel, fmt.Errorf("selector %s takes no argument", name)
		}
	case "fields", "list":
		if arg == "" {
			return sel, fmt.Errorf("selector %s needs fields, e.g. %s:name,version", name, name)
		}
		sel.fields = strings.Split(arg, ",")
	case "seed", "mixed":
		n, fields, ok := strings.Cut(arg, ":")
		limit, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil || fields == "" {
			return sel, fmt.Errorf("selector %s needs %s:MAXPK:fields", name, name)
		}
		sel.max, sel.fields = limit, strings.Split(fields, ",")
	case "header":
		if arg == "" {
			return sel, fmt.Errorf("selector header needs a header name")
		}
		sel.header = arg
	default:
		return sel, fmt.Errorf("unknown selector %q (none, unordered, body, keys, head, fields:, list:, seed:, mixed:, header:)", s)
	}
	return sel, nil
}

// bodyKind classifies a response body by its content type.
func bodyKind(h http.Header, body []byte) string {
	if len(body) == 0 {
		return "empty"
	}
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch mt {
	case "application/json":
		return "json"
	case "text/html":
		return "html"
	}
	return "text"
}

// normaliser replaces the run's volatile values in a decoded body.
type normaliser struct {
	tag     string
	created map[string]map[int64]string // collection -> pk -> name ("" unnamed)
}

// nestedCollection names the collection of an image's nested lookup objects.
var nestedCollection = map[string]string{
	"cuda_version":            "cuda",
	"framework":               "frameworks",
	"min_hardware_generation": "hardware",
}

func (n *normaliser) value(v any, coll string) any {
	switch x := v.(type) {
	case string:
		if n.tag != "" {
			return strings.ReplaceAll(x, n.tag, "{{tag}}")
		}
		return x
	case []any:
		for i := range x {
			x[i] = n.value(x[i], coll)
		}
		return x
	case map[string]any:
		for k, e := range x {
			if k == "pk" {
				if num, ok := e.(json.Number); ok {
					if pk, err := num.Int64(); err == nil {
						if name, ok := n.created[coll][pk]; ok {
							x[k] = pkPlaceholder(name)
							continue
						}
					}
				}
			}
			sub := coll
			if c, ok := nestedCollection[k]; ok && coll == "docker" {
				sub = c
			}
			x[k] = n.value(e, sub)
			if unorderedMember(coll, k) {
				if arr, ok := x[k].([]any); ok {
					sortCanonical(arr)
				}
			}
		}
		return x
	}
	return v
}

// unorderedMember reports the many-to-many members whose order the real
// backend does not keep: it reads them through a join without ORDER BY, so
// they come in the link table's physical order, which deletes and reused
// space reshuffle from run to run.
func unorderedMember(coll, key string) bool {
	switch coll {
	case "docker":
		return key == "tasks"
	case "licences":
		return key == "domains" || key == "permissions" || key == "limitations" || key == "conditions"
	}
	return false
}

func pkPlaceholder(name string) string {
	if name == "" {
		return "{{new}}"
	}
	return "{{pk:" + name + "}}"
}

// view computes a case's view of a response. Body selectors see nothing of a
// body that is not JSON; its kind is compared anyway.
func view(sels []selector, status int, kind string, h http.Header, body []byte, coll string, n *normaliser) (json.RawMessage, error) {
	var doc any
	if kind == "json" {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil {
			return nil, fmt.Errorf("JSON body does not parse: %w", err)
		}
		doc = n.value(doc, coll)
	}
	unordered, cut := false, false
	for _, s := range sels {
		unordered = unordered || s.kind == "unordered"
		cut = cut || s.kind == "head" || s.kind == "keys"
	}
	parts := map[string]any{}
	var only any
	count := 0
	for _, s := range sels {
		name := selectorName(s)
		var v any
		has := true
		switch s.kind {
		case "none", "unordered":
			has = false
		case "header":
			v = n.value(h.Get(s.header), coll)
		default:
			if kind != "json" {
				has = false
				break
			}
			// An error body is small and stable: selectors that pick parts of
			// an object or list show all of it.
			if status >= 400 && (s.kind == "fields" || s.kind == "list" || s.kind == "seed" || s.kind == "mixed") {
				if cut {
					has = false // the head or keys view says what matters
					break
				}
				s = selector{kind: "body"}
			}
			v = project(s, doc)
			if arr, ok := v.([]any); ok && unordered {
				sortCanonical(arr)
			}
		}
		if !has {
			continue
		}
		count++
		only = v
		parts[name] = v
	}
	switch count {
	case 0:
		return nil, nil
	case 1:
		return marshalCanonical(only)
	}
	return marshalCanonical(parts)
}

func selectorName(s selector) string {
	switch s.kind {
	case "header":
		return "header:" + s.header
	case "fields", "list":
		return s.kind + ":" + strings.Join(s.fields, ",")
	case "seed", "mixed":
		return fmt.Sprintf("%s:%d:%s", s.kind, s.max, strings.Join(s.fields, ","))
	}
	return s.kind
}

func project(s selector, doc any) any {
	switch s.kind {
	case "body":
		return doc
	case "keys":
		m, ok := doc.(map[string]any)
		if !ok {
			return typeName(doc)
		}
		keys := make([]any, 0, len(m))
		for _, k := range sortedKeys(m) {
			keys = append(keys, k)
		}
		return keys
	case "head":
		// A successful list is not what a head view is about, and other runs'
		// rows may be in it.
		if _, ok := doc.([]any); ok {
			return "array"
		}
		return heads(doc)
	case "fields":
		return pick(doc, s.fields)
	case "list", "seed", "mixed":
		arr, ok := doc.([]any)
		if !ok {
			return typeName(doc)
		}
		out := []any{}
		for _, e := range arr {
			mine, seed := ours(e), seedRow(e, s.max)
			if (s.kind != "seed" && mine) || (s.kind != "list" && seed && !mine) {
				out = append(out, pick(e, s.fields))
			}
		}
		return out
	}
	return nil
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func pick(v any, fields []string) any {
	m, ok := v.(map[string]any)
	if !ok || (len(fields) == 1 && fields[0] == "*") {
		return v
	}
	out := map[string]any{}
	for _, f := range fields {
		if e, ok := m[f]; ok {
			out[f] = e
		} else {
			out[f] = "(absent)"
		}
	}
	return out
}

// ours reports whether a list element was created by this run: one of its
// top-level strings holds the tag.
func ours(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, e := range m {
		s, ok := e.(string)
		if ok && (strings.Contains(s, "{{tag}}") || strings.HasPrefix(s, "{{pk:") || s == "{{new}}") {
			return true
		}
	}
	return false
}

func seedRow(v any, limit int64) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	num, ok := m["pk"].(json.Number)
	if !ok {
		return false
	}
	pk, err := num.Int64()
	return err == nil && pk >= 1 && pk <= limit
}

// heads cuts every string at its first ": " or line break: the stable start of
// messages whose tail quotes the request or a schema.
func heads(v any) any {
	switch x := v.(type) {
	case string:
		if i := strings.Index(x, ": "); i >= 0 {
			x = x[:i]
		}
		if i := strings.IndexByte(x, '\n'); i >= 0 {
			x = x[:i]
		}
		return x
	case []any:
		for i := range x {
			x[i] = heads(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = heads(x[k])
		}
		return x
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sortCanonical orders elements by their canonical JSON text (views whose
// order the API does not define).
func sortCanonical(arr []any) {
	key := func(v any) string {
		b, _ := marshalCanonical(v)
		return string(b)
	}
	slices.SortStableFunc(arr, func(a, b any) int { return strings.Compare(key(a), key(b)) })
}

// canonical re-encodes JSON text with sorted keys and numbers as written.
func canonical(text []byte) (json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return marshalCanonical(v)
}

func marshalCanonical(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}
