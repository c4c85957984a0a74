// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// SeedTables are the collections a new deployment serves, with the
// reference server's seed file of each (internal/refserver/seed/NAME.json).
var SeedTables = []string{"cuda", "docker", "domains", "frameworks", "hardware", "job-contracts", "licences"}

// FetchSeed lists one collection of the target ordered by pk, as its seed
// file was made (POST /v1/NAME/list {"order_by":[{"field":"pk"}]}), logged in
// as the admin.
func FetchSeed(ctx context.Context, t Target, name string) ([]byte, error) {
	r := &runner{t: t, client: t.Client, tokens: map[string]*token{}}
	if r.client == nil {
		r.client = &http.Client{}
	}
	tok, err := r.login(ctx, "admin")
	if err != nil {
		return nil, err
	}
	hdr := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + tok.access}}
	st, _, b, err := r.send(ctx, http.MethodPost, "/v1/"+name+"/list", []byte(`{"order_by":[{"field":"pk"}]}`), hdr)
	if err != nil {
		return nil, err
	}
	if st != http.StatusOK {
		return nil, fmt.Errorf("POST /v1/%s/list: status %d: %.200s", name, st, b)
	}
	return b, nil
}

// SeedDiff compares a served list with the seed: every seed row must be
// served with the same pk, fields and values, in pk order. Rows beyond the
// seed (other users' objects on a shared backend) are ignored. With
// anyOrder, the many-to-many members whose order the real backend does not
// keep (tasks, licence subdescriptors) are compared as sets.
func SeedDiff(name string, seed, served []byte, anyOrder bool) []string {
	var want, got []map[string]json.RawMessage
	if err := json.Unmarshal(seed, &want); err != nil {
		return []string{fmt.Sprintf("%s: seed: %v", name, err)}
	}
	if err := json.Unmarshal(served, &got); err != nil {
		return []string{fmt.Sprintf("%s: served: %v", name, err)}
	}
	if len(got) < len(want) {
		return []string{fmt.Sprintf("%s: %d rows served, the seed has %d", name, len(got), len(want))}
	}
	var diffs []string
	for i, w := range want {
		g := got[i]
		if len(g) != len(w) {
			diffs = append(diffs, fmt.Sprintf("%s row %d: fields %v, seed %v", name, i+1, keysOf(g), keysOf(w)))
			continue
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !sameJSON(gv, wv, anyOrder && unorderedMember(collection("/v1/"+name), k)) {
				diffs = append(diffs, fmt.Sprintf("%s row %d (pk %s) %s: served %s, seed %s", name, i+1, w["pk"], k, gv, wv))
			}
		}
	}
	return diffs
}

func keysOf(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// sameJSON compares values with numbers as written (6.0 is not 6).
func sameJSON(a, b json.RawMessage, asSet bool) bool {
	ca, err1 := canonical(a)
	cb, err2 := canonical(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if asSet {
		return bytes.Equal(sortedArray(ca), sortedArray(cb))
	}
	return bytes.Equal(ca, cb)
}

func sortedArray(raw json.RawMessage) json.RawMessage {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var arr []any
	if d.Decode(&arr) != nil {
		return raw
	}
	sortCanonical(arr)
	out, _ := marshalCanonical(arr)
	return out
}

// compactJSON is a seed file as the backend renders it: no whitespace.
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return []byte(strings.TrimSpace(buf.String()))
}
