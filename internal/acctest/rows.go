// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package acctest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Helpers for the rows of the writable catalog tables (frameworks, CUDA versions, hardware
// generations, licences, job contracts), reached over HTTP as admin like the image helpers.
// A table is named by its API path ("/v1/frameworks"); rows are in response form, JSON-decoded
// (numbers are float64).

// Row returns row pk of the table at path.
func (s *Server) Row(path string, pk int64) (map[string]any, error) {
	var row map[string]any
	if err := s.API(http.MethodGet, fmt.Sprintf("%s/%d", path, pk), nil, &row); err != nil {
		return nil, err
	}
	return row, nil
}

// Rows returns every row of the table at path, ordered by pk.
func (s *Server) Rows(path string) ([]map[string]any, error) {
	var rows []map[string]any
	f := map[string]any{"order_by": []any{map[string]any{"field": "pk", "ascending": true}}}
	if err := s.API(http.MethodPost, path+"/list", f, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// RowsWhere returns the rows of the table at path whose field begins with prefix: the rows
// one test made, on a server that others use at the same time.
func (s *Server) RowsWhere(path, field, prefix string) ([]map[string]any, error) {
	if prefix == "" {
		return nil, fmt.Errorf("RowsWhere needs a prefix: the catalog may be shared")
	}
	rows, err := s.Rows(path)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, r := range rows {
		if v, _ := r[field].(string); strings.HasPrefix(v, prefix) {
			out = append(out, r)
		}
	}
	return out, nil
}

// CreateRow creates a row of the table at path from a request-form body, as another client
// of the server would, and removes it when t ends unless it is gone by then.
func (s *Server) CreateRow(t *testing.T, path string, body map[string]any) int64 {
	t.Helper()
	var created struct {
		PK int64 `json:"pk"`
	}
	if err := s.API(http.MethodPost, path+"/create", body, &created); err != nil {
		t.Fatalf("creating a row of %s directly: %v", path, err)
	}
	t.Cleanup(func() { s.removeRow(t, path, created.PK) })
	return created.PK
}

// PatchRow changes row pk of the table at path behind Terraform's back (PATCH semantics).
func (s *Server) PatchRow(path string, pk int64, body map[string]any) error {
	return s.API(http.MethodPatch, fmt.Sprintf("%s/%d", path, pk), body, nil)
}

// DeleteRow deletes row pk of the table at path behind Terraform's back, and fails when the
// server keeps it (as the real backend does, answering 204, while images use it).
func (s *Server) DeleteRow(path string, pk int64) error {
	if err := s.API(http.MethodDelete, fmt.Sprintf("%s/%d", path, pk), nil, nil); err != nil {
		return err
	}
	if _, err := s.Row(path, pk); err == nil {
		return fmt.Errorf("the server kept row %d of %s after DELETE", pk, path)
	}
	return nil
}

// removeRow deletes row pk of the table at path if it still exists, for clean-ups. On the
// reference server there is nothing to clean: it ends with the test.
func (s *Server) removeRow(t *testing.T, path string, pk int64) {
	if s.Ref != nil {
		return
	}
	if _, err := s.Row(path, pk); err != nil {
		return
	}
	if err := s.DeleteRow(path, pk); err != nil {
		t.Errorf("clean-up: %v", err)
	}
}

// RemoveRowsAtEnd deletes, when t ends, every row of the table at path whose field begins
// with prefix: tests that create rows through Terraform leave nothing behind on a shared
// server, also when they fail. Register it before RemoveAtEnd of the images that use the
// rows: clean-ups run last registered first, and a used row cannot go.
func (s *Server) RemoveRowsAtEnd(t *testing.T, path, field, prefix string) {
	if s.Ref != nil {
		return
	}
	t.Cleanup(func() {
		rows, err := s.RowsWhere(path, field, prefix)
		if err != nil {
			t.Errorf("clean-up: listing the rows of %s with %s %s*: %v", path, field, prefix, err)
			return
		}
		for _, r := range rows {
			s.removeRow(t, path, PK(r))
		}
	})
}

// The CUDA versions tests create are decimals of the server's column (3 digits before the
// point, 1 after) from 900.0 to 999.9, far above any real one. A version cannot carry a
// random tag, so one process hands each out once, starting at a random one and skipping
// those the server already holds: parallel tests of a process never share one, and two
// processes (two engineers against one backend) are unlikely to meet.
var cudaVersions = struct {
	sync.Mutex
	next   int // in tenths
	issued map[int]bool
}{next: 9000 + rand.IntN(1000), issued: map[int]bool{}}

// UnusedCUDAVersion returns a CUDA version ("917.3") that no row of the server holds and no
// other test of this process was given. whole asks for one whose decimal place is 0 ("917.0"),
// for tests that write it as a whole number.
func (s *Server) UnusedCUDAVersion(t *testing.T, whole bool) string {
	t.Helper()
	rows, err := s.Rows("/v1/cuda")
	if err != nil {
		t.Fatalf("reading the server's CUDA versions: %v", err)
	}
	held := map[string]bool{}
	for _, r := range rows {
		v, _ := r["version"].(string)
		held[v] = true
	}
	cudaVersions.Lock()
	defer cudaVersions.Unlock()
	for range 1000 {
		n := cudaVersions.next
		cudaVersions.next = 9000 + (n-9000+1)%1000
		v := strconv.Itoa(n/10) + "." + strconv.Itoa(n%10)
		if cudaVersions.issued[n] || held[v] || (whole && n%10 != 0) {
			continue
		}
		cudaVersions.issued[n] = true
		return v
	}
	t.Fatal("no unused CUDA version left between 900.0 and 999.9")
	return ""
}

// computeRanges hands out compute capability ranges [lo, lo+1) with lo from 100 to 899,
// one process-wide sequence from a random start, so that the hardware generations parallel
// tests create do not overlap (an overlap is only a warning, but some tests count warnings).
var computeRanges = struct {
	sync.Mutex
	next int
}{next: rand.IntN(800)}

// ComputeRange returns the low end of a compute capability range [lo, lo+1) that no other
// test of this process was given.
func ComputeRange() float64 {
	computeRanges.Lock()
	defer computeRanges.Unlock()
	lo := 100 + computeRanges.next
	computeRanges.next = (computeRanges.next + 1) % 800
	return float64(lo)
}
