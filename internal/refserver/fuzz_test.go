// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Fuzz targets: any input gives a result, a 400 or (where the real backend
// fails the same way) Django's 500 page, never a panic.
// Run one with e.g. go test -run '^$' -fuzz FuzzFilter -fuzztime 20s ./internal/refserver

func fuzzServer(t testing.TB, profile Profile) *Server {
	s, err := New(Options{Samples: true, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzFilter(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"expressions":[]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"yolo","case_insensitive":true,"invert":true}]}`,
		`{"expressions":[{"type":"contains","field":"tasks__name","sub_string":"ra"}]}`,
		`{"expressions":[{"type":"isnull","field":"min_hardware_generation"},{"type":"is_null","field":"registry_username","invert":true}]}`,
		`{"expressions":[{"type":"compare","field":"cuda_version__version","operator":">=","value":"10.1"}]}`,
		`{"expressions":[{"type":"or","sub_expressions":[{"type":"and","sub_expressions":[{"type":"exact","field":"cpu","value":true},{"type":"exact","field":"framework","value":18}]},{"type":"exact","field":"pk","value":3}]}]}`,
		`{"expressions":[{"type":"and","sub_expressions":[{"type":"or","sub_expressions":[]}]}]}`,
		`{"order_by":[{"field":"min_hardware_generation__generation","ascending":false,"nulls_first":false},{"field":"pk"}]}`,
		`{"order_by":[{"field":"tasks__name"}],"include_inactive":true}`,
		`{"expressions":[{"type":"exact","field":"pk","value":1e400}]}`,
		`{"expressions":[{"type":"compare","field":"min_hardware_generation__max_compute_capability","operator":"<","value":-0.0}]}`,
		`{"expressions":[{"type":"exact","field":"name","value":"\u00e9\ud800"}]}`,
	} {
		f.Add([]byte(seed))
	}
	s := fuzzServer(f, ProfileDocumented)
	f.Fuzz(func(t *testing.T, body []byte) {
		if pyJSONError(body) != "" {
			return // the request pipeline answers these before any filter
		}
		q, resp := compileFilter(body, &s.imageFields, s.filterSyntax())
		if resp != nil {
			okError := resp.status == http.StatusBadRequest && json.Valid(resp.body) ||
				resp.status == http.StatusInternalServerError && string(resp.body) == serverErrorPage
			if !okError {
				t.Fatalf("filter %q: %d %s", body, resp.status, resp.body)
			}
			return
		}
		s.st.mu.RLock()
		out := q.run(s.st.images)
		s.st.mu.RUnlock()
		// Joins on tasks repeat an image once per matching task, no more.
		if len(out) > len(s.st.images)*maxRowsPerRecord {
			t.Fatalf("filter %q returned %d of %d", body, len(out), len(s.st.images))
		}
		// The same body on a lookup table decodes or fails, never panics.
		if lq, lresp := compileFilter(body, &s.st.t.licences.fields, s.filterSyntax()); lresp == nil {
			lq.run(s.st.t.licences.rows)
		}
	})
}

func FuzzImageRequest(f *testing.F) {
	seed, _ := json.Marshal(yoloBody())
	for _, b := range [][]byte{
		seed, []byte(`{}`), []byte(``), []byte(`null`), []byte(`[1]`), []byte(`{"name":`),
		[]byte(`{"name":"a","version":"b","url":"h:1/x","registry_url":"[::1]:80","cuda_version":11.1,"framework":"18","domain":"od","licence":"MIT","cpu":"yes","tasks":["Train","Train"],"min_hardware_generation":""}`),
		[]byte(`{"tasks":null,"framework":1.5,"cpu":2,"registry_username":"","url":" "}`),
		[]byte(`{"name":"\u0000","tasks":[{}],"licence":[],"domain":true,"min_hardware_generation":7}`),
	} {
		f.Add(b, false)
		f.Add(b, true)
	}
	servers := map[bool]*Server{false: fuzzServer(f, ProfileDocumented), true: fuzzServer(f, ProfileUFDLBackend)}
	f.Fuzz(func(t *testing.T, body []byte, backend bool) {
		s := servers[backend]
		r := httptest.NewRequest(http.MethodPost, "/v1/docker/create", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		data, perr := parseData(r, body)
		if perr != nil {
			if perr.status != http.StatusBadRequest || !json.Valid(perr.body) {
				t.Fatalf("parse %q: %d %s", body, perr.status, perr.body)
			}
			return
		}
		obj, resp, ok := data.object()
		if !ok {
			if resp.status != http.StatusBadRequest || !json.Valid(resp.body) {
				t.Fatalf("decode %q: %d %s", body, resp.status, resp.body)
			}
			return
		}
		s.st.mu.Lock()
		defer s.st.mu.Unlock()
		created := s.createImage(obj, false, backend)
		if created.status != http.StatusCreated && created.status != http.StatusBadRequest || !json.Valid(created.body) {
			t.Fatalf("create %q: %d %s", body, created.status, created.body)
		}
		if created.status == http.StatusCreated {
			var im struct{ PK int64 }
			_ = json.Unmarshal(created.body, &im)
			s.st.deleteImage(s.st.byPK[im.PK])
		}
		for _, mode := range []writeMode{modePatch, modePut} {
			old := s.st.byPK[1]
			updated := s.updateImage(old, obj, mode, false, backend)
			switch {
			case updated.status == http.StatusOK || updated.status == http.StatusBadRequest:
				if !json.Valid(updated.body) {
					t.Fatalf("update %q: invalid JSON %s", body, updated.body)
				}
			case updated.status == http.StatusInternalServerError && string(updated.body) == serverErrorPage:
				// The measured (name, version) clash, or the CPU rule on an
				// image loaded with a null generation (backend profile).
			default:
				t.Fatalf("update %q: %d %s", body, updated.status, updated.body)
			}
			if updated.status == http.StatusOK {
				s.st.replaceImage(s.st.byPK[1], old) // keep the corpus image stable
			}
		}
	})
}

func FuzzParseToken(f *testing.F) {
	key := []byte("fuzz-key")
	now := time.Unix(1_700_000_000, 0)
	f.Add(signToken(key, claims{TokenType: tokenAccess, ExpMS: now.Add(time.Hour).UnixMilli(), UserID: 1}))
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := parseToken(key, token, now)
		if err != nil {
			return
		}
		// Accepted tokens are unexpired and carry a valid signature.
		exp := c.ExpMS
		if exp == 0 {
			exp = c.Exp * 1000
		}
		if exp <= now.UnixMilli() {
			t.Fatalf("expired token accepted: %q", token)
		}
		if _, err := parseToken([]byte("other-key"), token, now); err == nil {
			t.Fatalf("token valid under two keys: %q", token)
		}
	})
}
