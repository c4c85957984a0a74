// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleCases = `# two cases
let img {"name":"{{tag}}-x","tasks":["Train"]}

case a.first
  POST /v1/docker/create
  body @img
  unset tasks
  save imgA

case a.second
  GET /v1/docker/{{pk:imgA}} as user
  compare fields:name
  real 200 json {"name": "{{tag}}-x"}
  doc api/docker_images.md:16 a reason
`

// Answers written back land in their own case, whatever was there before,
// and the file reads back the same otherwise.
func TestCorpusRewrite(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.cases"), []byte(sampleCases), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Cases()
	if len(cs) != 2 || *cs[0].Body != `{"name":"{{tag}}-x"}` || cs[0].Save != "imgA" || cs[1].As != "user" {
		t.Fatalf("parsed %+v %+v", cs[0], cs[1])
	}
	f := c.Files[0]
	f.SetReal(cs[0], &Answer{Status: 201, Kind: "json", View: []byte(`{"pk":"{{pk:imgA}}"}`)})
	f.SetDocumented(cs[1], &Answer{Status: 404, Kind: "json"})
	f.SetReal(cs[1], &Answer{Status: 200, Kind: "json", View: []byte(`{"name":"y"}`)})
	f.SetDocumented(cs[1], &Answer{Status: 404, Kind: "html"})
	if err := c.Write(dir); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := c2.Cases()
	want := []string{`201 json {"pk":"{{pk:imgA}}"}`, `200 json {"name":"y"}`}
	for i, w := range want {
		if got[i].Real.String() != w {
			t.Errorf("case %s: real %s, want %s", got[i].ID, got[i].Real, w)
		}
	}
	if got[1].Documented.String() != "404 html" || got[0].Documented != nil || got[1].Doc == "" {
		t.Errorf("documented answers: %v %v", got[0].Documented, got[1].Documented)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "x.cases"))
	if strings.Count(string(b), "  real ") != 2 || strings.Count(string(b), "  documented ") != 1 {
		t.Errorf("rewritten file:\n%s", b)
	}
}

func TestCorpusErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"case x\n  body {}\n", "no request line"},
		{"case x\n  GET /v1/docker/1 as root\n", `as "root"`},
		{"case x\n  GET /a\n  compare list\n", "selector list needs fields"},
		{"case x\n  GET /a\n  real 200 xml\n", "kind must be"},
		{"case x\n  GET /a\n  doc docs/x.md reason\n", "doc needs a reference"},
		{"case x\n  GET /a\n  body @nope\n", "no such let"},
		{"case x\n  GET /a\ncase x\n  GET /b\n", "already defined"},
		{"  GET /a\n", "outside a case"},
	} {
		dir := t.TempDir()
		_ = os.WriteFile(filepath.Join(dir, "x.cases"), []byte(c.text), 0o644)
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.text, err, c.want)
		}
	}
}

// Views normalise what changes between runs and keep what does not.
func TestViewNormalises(t *testing.T) {
	n := &normaliser{tag: "cf12345678", created: map[string]map[int64]string{"docker": {40: "imgA", 41: ""}, "frameworks": {40: "fw"}}}
	body := []byte(`[{"pk":40,"name":"cf12345678-a","framework":{"pk":40,"name":"x"},"tasks":["Train","Predict"],"x":6.0},` +
		`{"pk":41,"name":"cf12345678-b","framework":{"pk":12}},{"pk":3,"name":"seed"},{"pk":99,"name":"someone else's"}]`)
	h := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		sels []string
		want string
	}{
		{[]string{"list:pk,framework,tasks,x"}, `[{"framework":{"name":"x","pk":"{{pk:fw}}"},"pk":"{{pk:imgA}}","tasks":["Predict","Train"],"x":6.0},{"framework":{"pk":12},"pk":"{{new}}","tasks":"(absent)","x":"(absent)"}]`},
		{[]string{"seed:23:name"}, `[{"name":"seed"}]`},
		{[]string{"mixed:23:pk", "unordered"}, `[{"pk":"{{new}}"},{"pk":"{{pk:imgA}}"},{"pk":3}]`},
		{[]string{"head"}, `"array"`},
	} {
		var sels []selector
		for _, s := range c.sels {
			sel, err := parseSelector(s)
			if err != nil {
				t.Fatal(err)
			}
			sels = append(sels, sel)
		}
		v, err := view(sels, 200, "json", h, body, "docker", n)
		if err != nil || string(v) != c.want {
			t.Errorf("%v:\n got %s (%v)\nwant %s", c.sels, v, err, c.want)
		}
	}
	// Error bodies: head cuts messages that quote the request.
	sel, _ := parseSelector("head")
	v, _ := view([]selector{sel}, 400, "json", h, []byte(`{"detail":"Unable to parse JSON: x\n\n{...}"}`), "docker", n)
	if string(v) != `{"detail":"Unable to parse JSON"}` {
		t.Errorf("head: %s", v)
	}
}
