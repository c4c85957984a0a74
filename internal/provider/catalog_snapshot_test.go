// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// catalogTables are the collections of the whole catalog as the API lists them: the images
// and every lookup table, the read-only domains included.
var catalogTables = []string{"docker", "frameworks", "cuda", "hardware", "licences", "job-contracts", "domains"}

// catalogSnapshot is the whole catalog of a server: per collection, each row in a canonical
// form (JSON with sorted keys, unordered lists sorted, registry passwords hashed) by pk.
type catalogSnapshot map[string]map[int64]string

// snapshotCatalog lists every collection of srv, over the API as admin (not through the
// recording proxy), so that it works against the reference server and the real backend alike.
func snapshotCatalog(t *testing.T, srv *acctest.Server) catalogSnapshot {
	t.Helper()
	out := catalogSnapshot{}
	for _, table := range catalogTables {
		var rows []map[string]any
		if err := srv.API(http.MethodPost, "/v1/"+table+"/list", map[string]any{}, &rows); err != nil {
			t.Fatalf("listing %s: %v", table, err)
		}
		out[table] = map[int64]string{}
		for _, row := range rows {
			out[table][acctest.PK(row)] = canonicalRow(row)
		}
	}
	return out
}

// canonicalRow writes a row so that two answers for the same row compare equal: the order
// of tasks and of a licence's lists is not meaningful, and a registry password is kept only
// as a hash (the snapshot shows in failure messages, a secret must not).
func canonicalRow(row map[string]any) string {
	row = maps.Clone(row)
	for _, list := range []string{"tasks", "permissions", "conditions", "limitations", "domains"} {
		if items, ok := row[list].([]any); ok {
			sorted := make([]string, len(items))
			for i, v := range items {
				sorted[i] = fmt.Sprint(v)
			}
			sort.Strings(sorted)
			row[list] = sorted
		}
	}
	if pw, ok := row["registry_password"].(string); ok {
		sum := sha256.Sum256([]byte(pw))
		row["registry_password"] = "sha256:" + hex.EncodeToString(sum[:6])
	}
	b, _ := json.Marshal(row) // maps marshal with sorted keys
	return string(b)
}

// seedCatalog is the catalog a fresh deployment serves (the project's copy, which the
// reference server loads), in the snapshot's canonical form, per collection as a set.
func seedCatalog(t *testing.T) map[string]map[string]bool {
	t.Helper()
	files := map[string]string{"docker": "docker.json", "frameworks": "frameworks.json", "cuda": "cuda.json", "hardware": "hardware.json",
		"licences": "licences.json", "job-contracts": "job-contracts.json", "domains": "domains.json"}
	out := map[string]map[string]bool{}
	for table, file := range files {
		b, err := os.ReadFile(filepath.Join(seedDir, file))
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out[table] = map[string]bool{}
		for _, row := range rows {
			out[table][canonicalRow(row)] = true
		}
	}
	return out
}

// seedDir is the project's copy of what a fresh UFDL backend serves.
const seedDir = "../refserver/seed"

// expectCatalogRestored compares the catalog after a test with the one before it. On a server
// of the test's own, it must be exactly the same. On a shared deployment others create and
// delete rows meanwhile: there every row of the seed catalog that was there before must be
// there after, unchanged, and no row naming mark (the test's own tag; "" for a test that
// creates nothing) may have appeared; other differences are only logged.
func expectCatalogRestored(t *testing.T, srv *acctest.Server, before, after catalogSnapshot, mark string) {
	t.Helper()
	var seed map[string]map[string]bool
	if srv.Ref == nil {
		seed = seedCatalog(t)
	}
	var others []string
	for _, table := range catalogTables {
		for _, pk := range slices.Sorted(maps.Keys(before[table])) {
			was, now := before[table][pk], after[table][pk]
			switch {
			case was == now:
			case srv.Ref != nil || seed[table][was] || mark != "" && strings.Contains(was, mark):
				t.Errorf("%s %d changed:\nbefore %s\nafter  %s", table, pk, was, orGone(now))
			default:
				others = append(others, fmt.Sprintf("%s %d", table, pk))
			}
		}
		for _, pk := range slices.Sorted(maps.Keys(after[table])) {
			if _, was := before[table][pk]; was {
				continue
			}
			if now := after[table][pk]; srv.Ref != nil || mark != "" && strings.Contains(now, mark) {
				t.Errorf("%s %d was left behind: %s", table, pk, now)
			} else {
				others = append(others, fmt.Sprintf("%s %d", table, pk))
			}
		}
	}
	if len(others) > 0 {
		t.Logf("%d rows of others changed, came or went meanwhile (not this test's): %s", len(others), strings.Join(others, ", "))
	}
}

func orGone(row string) string {
	if row == "" {
		return "(gone)"
	}
	return row
}

// writeCalls returns the calls of the recorder that change something, by route key: reads
// vary with the client's batching, writes are what a plan promised.
func writeCalls(srv *acctest.Server) map[string]int {
	out := map[string]int{}
	for route, n := range srv.CallCounts() {
		if strings.HasPrefix(route, "GET ") || strings.HasSuffix(route, "/list") || strings.HasPrefix(route, "POST /v1/auth/") {
			continue
		}
		out[route] = n
	}
	return out
}

// showResources reads the values of every managed resource, by address, from
// `terraform show -json`.
func showResources(t *testing.T, showJSON string) map[string]map[string]any {
	t.Helper()
	var state struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Mode    string         `json:"mode"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(showJSON), &state); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	if state.Values == nil {
		return out
	}
	for _, res := range state.Values.RootModule.Resources {
		if res.Mode == "managed" {
			out[res.Address] = res.Values
		}
	}
	return out
}

// diagnostics splits a CLI's output into its error blocks ("Error: ..." up to the next one),
// each as one line of text, so that a test can find the error of one resource and read its
// message without the terminal's line breaks.
func diagnostics(out string) []string {
	var blocks []string
	for _, part := range strings.Split(out, "\nError: ")[1:] {
		if i := strings.Index(part, "\nWarning: "); i >= 0 {
			part = part[:i]
		}
		blocks = append(blocks, "Error: "+strings.Join(strings.Fields(part), " "))
	}
	return blocks
}

// diagnosticOf returns the error block of out that concerns addr and begins with summary.
func diagnosticOf(t *testing.T, out, summary, addr string) string {
	t.Helper()
	for _, d := range diagnostics(out) {
		if strings.HasPrefix(d, "Error: "+summary+" ") && strings.Contains(d, "with "+addr+",") {
			return d
		}
	}
	t.Errorf("no error %q for %s in:\n%s", summary, addr, out)
	return ""
}
