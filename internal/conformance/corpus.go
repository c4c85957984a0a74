// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package conformance is a differential test of the reference server against
// the real UFDL backend. A corpus of API calls is kept as data (corpus/*.cases),
// each with the real backend's recorded answer reduced to what is stable across
// runs (status, body kind, and a chosen view of the body). The same runner sends
// the corpus to a real backend (to record or re-check the answers) and to an
// in-process reference server (to check it against the recordings).
//
// The case file format is described in corpus/README.md.
package conformance

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed corpus/*.cases
var corpusFS embed.FS

// Case is one API call of the corpus.
type Case struct {
	ID      string
	File    string // base name of the case file
	Line    int    // line of the "case" keyword
	Method  string
	Path    string
	As      string      // admin, user, none, expired
	Body    *string     // nil: no body at all
	Header  [][2]string // extra or removed (empty value) request headers
	Compare []string    // view selectors (default "body")
	Save    string      // name under which the created object's pk is kept

	Real       *Answer // the real backend's recorded answer
	Doc        string  // "api/FILE.md:LINE reason": why the documented profile differs
	Documented *Answer // the documented profile's answer where Doc is set

	realLine, docLine int // line indexes (0-based) of the answers in the file, -1 if absent
	lastLine          int // 0-based index of the case's last line
}

// Answer is a response reduced to what the corpus compares.
type Answer struct {
	Status int
	Kind   string          // json, html, empty or text
	View   json.RawMessage // canonical JSON of the selected view; nil for none
}

func (a *Answer) String() string {
	if a == nil {
		return "(none)"
	}
	s := strconv.Itoa(a.Status) + " " + a.Kind
	if a.View != nil {
		s += " " + string(a.View)
	}
	return s
}

// Equal reports whether two answers are the same.
func (a *Answer) Equal(b *Answer) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Status == b.Status && a.Kind == b.Kind && bytes.Equal(a.View, b.View)
}

func parseAnswer(s string) (*Answer, error) {
	st, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	status, err := strconv.Atoi(st)
	if err != nil {
		return nil, fmt.Errorf("answer %q: status is not a number", s)
	}
	kind, view, _ := strings.Cut(strings.TrimSpace(rest), " ")
	switch kind {
	case "json", "html", "empty", "text":
	default:
		return nil, fmt.Errorf("answer %q: kind must be json, html, empty or text", s)
	}
	a := &Answer{Status: status, Kind: kind}
	if view = strings.TrimSpace(view); view != "" {
		c, err := canonical([]byte(view))
		if err != nil {
			return nil, fmt.Errorf("answer %q: view: %w", s, err)
		}
		a.View = c
	}
	return a, nil
}

// File is one case file with its lines, so that answers can be rewritten in place.
type File struct {
	Name  string
	lines []string
	Cases []*Case
}

// Corpus is every case file, in file-name order.
type Corpus struct {
	Files []*File
}

// Cases returns every case in run order.
func (c *Corpus) Cases() []*Case {
	var out []*Case
	for _, f := range c.Files {
		out = append(out, f.Cases...)
	}
	return out
}

// LoadEmbedded reads the corpus compiled into the package.
func LoadEmbedded() (*Corpus, error) {
	sub, err := fs.Sub(corpusFS, "corpus")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// LoadDir reads the corpus from a directory (the recorder writes it back there).
func LoadDir(dir string) (*Corpus, error) { return Load(os.DirFS(dir)) }

// Load reads every *.cases file of fsys.
func Load(fsys fs.FS) (*Corpus, error) {
	names, err := fs.Glob(fsys, "*.cases")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	c := &Corpus{}
	seen := map[string]*Case{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		f, err := parseFile(n, string(data))
		if err != nil {
			return nil, err
		}
		for _, cs := range f.Cases {
			if prev := seen[cs.ID]; prev != nil {
				return nil, fmt.Errorf("%s:%d: case %s already defined at %s:%d", cs.File, cs.Line, cs.ID, prev.File, prev.Line)
			}
			seen[cs.ID] = cs
		}
		c.Files = append(c.Files, f)
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("conformance: no cases found")
	}
	return c, nil
}

// docRef is a reference into the API documentation: api/FILE.md:LINE.
var docRef = regexp.MustCompile(`^api/[a-z_]+\.md:[0-9]+$`)

var whoValues = []string{"admin", "user", "none", "expired"}

func parseFile(name, text string) (*File, error) {
	f := &File{Name: name}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for sc.Scan() {
		f.lines = append(f.lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var cur *Case
	lets := map[string]string{}
	finish := func() error {
		if cur == nil {
			return nil
		}
		if cur.Method == "" {
			return fmt.Errorf("%s:%d: case %s has no request line", name, cur.Line, cur.ID)
		}
		if cur.Doc == "" && cur.Documented != nil {
			return fmt.Errorf("%s:%d: case %s has a documented answer but no doc reference", name, cur.Line, cur.ID)
		}
		f.Cases = append(f.Cases, cur)
		cur = nil
		return nil
	}
	for i, raw := range f.lines {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		at := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, i+1, fmt.Sprintf(format, args...))
		}
		if key == "case" {
			if err := finish(); err != nil {
				return nil, err
			}
			if rest == "" || strings.ContainsAny(rest, " \t") {
				return nil, at("a case needs one id without spaces")
			}
			cur = &Case{ID: rest, File: name, Line: i + 1, realLine: -1, docLine: -1, As: "admin", lastLine: i}
			continue
		}
		if key == "let" {
			if cur != nil {
				return nil, at("let belongs before the cases that use it, not inside case %s", cur.ID)
			}
			n, v, _ := strings.Cut(rest, " ")
			if _, err := objectMembers(v); err != nil {
				return nil, at("let %s: %v", n, err)
			}
			lets[n] = strings.TrimSpace(v)
			continue
		}
		if cur == nil {
			return nil, at("%q outside a case", key)
		}
		cur.lastLine = i
		switch key {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
			if cur.Method != "" {
				return nil, at("case %s has two request lines", cur.ID)
			}
			fields := strings.Fields(rest)
			if len(fields) != 1 && !(len(fields) == 3 && fields[1] == "as") {
				return nil, at("request line: METHOD PATH [as WHO]")
			}
			cur.Method, cur.Path = key, fields[0]
			if len(fields) == 3 {
				if !slices.Contains(whoValues, fields[2]) {
					return nil, at("as %q: want one of %s", fields[2], strings.Join(whoValues, ", "))
				}
				cur.As = fields[2]
			}
		case "body":
			b := rest
			if strings.HasPrefix(b, "@") {
				v, ok := lets[b[1:]]
				if !ok {
					return nil, at("body %s: no such let", b)
				}
				b = v
			}
			cur.Body = &b
		case "set", "unset":
			if cur.Body == nil {
				return nil, at("%s needs a body before it", key)
			}
			b, err := editMember(*cur.Body, key, rest)
			if err != nil {
				return nil, at("%v", err)
			}
			cur.Body = &b
		case "header":
			k, v, ok := strings.Cut(rest, ":")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, at("header: NAME: VALUE")
			}
			cur.Header = append(cur.Header, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		case "compare":
			sels := strings.Fields(rest)
			for _, s := range sels {
				if _, err := parseSelector(s); err != nil {
					return nil, at("%v", err)
				}
			}
			cur.Compare = sels
		case "save":
			cur.Save = rest
		case "real":
			a, err := parseAnswer(rest)
			if err != nil {
				return nil, at("%v", err)
			}
			cur.Real, cur.realLine = a, i
		case "doc":
			ref, _, _ := strings.Cut(rest, " ")
			if !docRef.MatchString(ref) {
				return nil, at("doc needs a reference api/FILE.md:LINE and a reason")
			}
			cur.Doc = rest
		case "documented":
			a, err := parseAnswer(rest)
			if err != nil {
				return nil, at("%v", err)
			}
			cur.Documented, cur.docLine = a, i
		default:
			return nil, at("unknown keyword %q", key)
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return f, nil
}

// objectMembers decodes a JSON object into its members, keeping each value's text.
func objectMembers(text string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object: %s", text)
	}
	return m, nil
}

// editMember applies "set KEY JSON" or "unset KEY" to a body that is a JSON
// object; the result has its keys sorted.
func editMember(body, op, arg string) (string, error) {
	m, err := objectMembers(body)
	if err != nil {
		return "", err
	}
	k, v, _ := strings.Cut(arg, " ")
	if op == "unset" {
		if _, ok := m[k]; !ok {
			return "", fmt.Errorf("unset %s: the body has no such key", k)
		}
		delete(m, k)
	} else {
		v = strings.TrimSpace(v)
		if !json.Valid([]byte(v)) {
			return "", fmt.Errorf("set %s: %s is not JSON", k, v)
		}
		m[k] = json.RawMessage(v)
	}
	out, err := marshalCanonical(m)
	return string(out), err
}

// SetReal replaces (or adds) a case's recorded real answer.
func (f *File) SetReal(c *Case, a *Answer) { f.setAnswer(c, "real", &c.realLine, a) }

// SetDocumented replaces (or adds) a case's documented-profile answer.
func (f *File) SetDocumented(c *Case, a *Answer) { f.setAnswer(c, "documented", &c.docLine, a) }

func (f *File) setAnswer(c *Case, key string, idx *int, a *Answer) {
	if key == "real" {
		c.Real = a
	} else {
		c.Documented = a
	}
	text := "  " + key + " " + a.String()
	if *idx >= 0 {
		f.lines[*idx] = text
		return
	}
	at := c.lastLine + 1
	f.lines = slices.Insert(f.lines, at, text)
	// Every line index at or after the insertion moves down by one.
	for _, o := range f.Cases {
		for _, p := range []*int{&o.realLine, &o.docLine, &o.lastLine} {
			if *p >= at {
				*p++
			}
		}
		if o.Line-1 >= at {
			o.Line++
		}
	}
	*idx, c.lastLine = at, at
}

// Write saves the files into dir.
func (c *Corpus) Write(dir string) error {
	for _, f := range c.Files {
		text := strings.Join(f.lines, "\n") + "\n"
		if err := os.WriteFile(path.Join(dir, f.Name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
