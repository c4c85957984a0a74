// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// Benchmarks call ServeHTTP directly, so they measure the server (routing,
// authentication, filtering, rendering), not the loopback TCP stack.

const benchImages = 10000

// benchBody is the i-th image of the benchmark catalog: realistic sizes, and
// every 200th image named "target" (50 of 10,000).
func benchBody(i int) map[string]any {
	name := fmt.Sprintf("image-%05d", i)
	if i%200 == 0 {
		name = "target"
	}
	return with(yoloBody(), "name", name, "version", fmt.Sprintf("v%d_2022-10-08_cuda11.1", i),
		"url", fmt.Sprintf("public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-%05d:2022-10-08_cuda11.1", i),
		"framework", 1+i%16, "tasks", [][]string{{"Train", "Predict"}, {"Predict"}, {}}[i%3])
}

func benchServer(tb testing.TB, n int) (*Server, string) {
	tb.Helper()
	s, err := New(Options{RecordLimit: 1})
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := s.CreateImage(benchBody(i)); err != nil {
			tb.Fatal(err)
		}
	}
	return s, s.auth.issue(s.auth.users[0], tokenAccess, timeNow())
}

func serve(b *testing.B, s *Server, method, path, token, body string, want int) int {
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, path, rd)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.Bytes())
	}
	return rec.Body.Len()
}

func BenchmarkRetrieve(b *testing.B) {
	s, tok := benchServer(b, benchImages)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		serve(b, s, "GET", fmt.Sprintf("/v1/docker/%d", 1+i%benchImages), tok, "", 200)
	}
}

func BenchmarkCreate(b *testing.B) {
	s, tok := benchServer(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body, _ := json.Marshal(benchBody(i + 1))
		serve(b, s, "POST", "/v1/docker/create", tok, string(body), 201)
	}
}

func benchList(b *testing.B, body string, wantImages int) {
	s, tok := benchServer(b, benchImages)
	var out []json.RawMessage
	req := httptest.NewRequest("POST", "/v1/docker/list", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out) != wantImages {
		b.Fatalf("list returned %d images (%v), want %d", len(out), err, wantImages)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var bytes int
	for b.Loop() {
		bytes = serve(b, s, "POST", "/v1/docker/list", tok, body, 200)
	}
	b.ReportMetric(float64(bytes), "resp-bytes")
}

func BenchmarkListFiltered50Of10000(b *testing.B) {
	benchList(b, `{"expressions":[{"type":"exact","field":"name","value":"target"}],"order_by":[{"field":"version","ascending":false}]}`, 50)
}

// The batched refresh of issue 10 selects images by pk: an "or" of 50 exacts.
func BenchmarkListByPK50Of10000(b *testing.B) {
	var subs []string
	for i := 0; i < 50; i++ {
		subs = append(subs, fmt.Sprintf(`{"type":"exact","field":"pk","value":%d}`, 1+i*199))
	}
	benchList(b, `{"expressions":[{"type":"or","sub_expressions":[`+strings.Join(subs, ",")+`]}]}`, 50)
}

func BenchmarkListRelatedFilter10000(b *testing.B) {
	benchList(b, `{"expressions":[{"type":"exact","field":"framework__name","value":"MMDETECTION","case_insensitive":true},`+
		`{"type":"contains","field":"name","sub_string":"TARGET","case_insensitive":true},`+
		`{"type":"exact","field":"tasks__name","value":"Predict"}]}`, relatedMatches())
}

// relatedMatches counts the benchmark images BenchmarkListRelatedFilter10000 selects.
func relatedMatches() int {
	n := 0
	for i := 0; i < benchImages; i++ {
		// mmdetection is frameworks 8 to 10; benchBody gives image i framework 1+i%16.
		if i%200 == 0 && i%16 >= 7 && i%16 <= 9 && i%3 < 2 {
			n++
		}
	}
	return n
}

func BenchmarkListAll10000(b *testing.B) {
	benchList(b, ``, benchImages)
}

// BenchmarkMemoryPerImage reports the heap held per stored image.
func BenchmarkMemoryPerImage(b *testing.B) {
	for b.Loop() {
		b.ReportMetric(heapPerImage(b), "B/image")
	}
}

func heapPerImage(tb testing.TB) float64 {
	s, _ := benchServer(tb, 0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < benchImages; i++ {
		if _, err := s.CreateImage(benchBody(i)); err != nil {
			tb.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / benchImages
}

// The per-image memory goal (2 KiB) as a test, so that it is checked on
// every run and its figure is in the log.
func TestMemoryPerImage(t *testing.T) {
	per := heapPerImage(t)
	t.Logf("heap per stored image: %.0f bytes", per)
	if per <= 0 || per > 2048 {
		t.Fatalf("heap per stored image %.0f bytes, goal under 2048", per)
	}
}
