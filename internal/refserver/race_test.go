// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrent writers, readers and hook users; run with -race. The checks at
// the end make sure no write was lost and nothing answered 5xx.
func TestConcurrentWritersAndReaders(t *testing.T) {
	h := newHarness(t, Options{Samples: true})
	const writers, readers, rounds = 4, 4, 40
	var created, deleted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers+1)
	check := func(what string, st, want int, body []byte) bool {
		if st != want {
			select { // report the first few, never block
			case errs <- fmt.Errorf("%s: %d, want %d: %s", what, st, want, body):
			default:
			}
			return false
		}
		return true
	}
	// Goroutines report through errs; t.Fatal is for the test's goroutine.
	do := func(method, path, token string, body any) (int, []byte) {
		st, b, _, err := h.try(method, path, token, body, nil)
		if err != nil {
			check(method+" "+path+": "+err.Error(), 0, 1, nil)
		}
		return st, b
	}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				name := fmt.Sprintf("w%d-%d", w, i)
				st, b := do("POST", "/v1/docker/create", h.admin, with(yoloBody(), "name", name))
				if !check("create", st, 201, b) {
					return
				}
				created.Add(1)
				var im struct{ PK int }
				_ = json.Unmarshal(b, &im)
				pk := im.PK
				st, b = do("POST", "/v1/docker/create", h.admin, with(yoloBody(), "name", name))
				check("duplicate", st, 400, b)
				st, b = do("PATCH", fmt.Sprintf("/v1/docker/%d", pk), h.admin, map[string]any{"tasks": []string{"Export"}, "cpu": i%2 == 0})
				check("patch", st, 200, b)
				if i%2 == 1 {
					st, b = do("DELETE", fmt.Sprintf("/v1/docker/%d", pk), h.admin, nil)
					if check("delete", st, 204, b) {
						deleted.Add(1)
					}
				}
				st, b = do("POST", "/v1/job-contracts/create", h.admin, map[string]any{"name": name, "pkg": "p", "cls": "c." + name})
				check("contract", st, 201, b)
			}
		}()
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			filter := exprs(expr("contains", "field", "name", "sub_string", "w"), exact("tasks__name", "Export"))
			for i := 0; i < rounds*2; i++ {
				st, b := do("POST", "/v1/docker/list", h.user, filter)
				check("list", st, 200, b)
				st, b = do("GET", fmt.Sprintf("/v1/docker/%d", 1+i%23), h.user, nil)
				check("retrieve", st, 200, b)
				st, b = do("POST", "/v1/job-contracts/list", h.user, orderBy(map[string]any{"field": "name"}))
				check("contracts", st, 200, b)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			_ = h.srv.CallCounts()
			_ = h.srv.Requests()
			_ = h.srv.Images()
			h.srv.AddReference(1)
			h.srv.RemoveReference(1)
			h.srv.AddFault(Fault{Route: "/v1/never", Kind: FaultStatus, Status: 500})
			h.srv.SetAccessLifetime(time.Minute)
			h.srv.SetKeepOnRefusedDelete(i%2 == 0)
			if err := h.srv.PatchImage(2, map[string]any{"registry_password": fmt.Sprint(i)}); err != nil {
				check("PatchImage "+err.Error(), 0, 1, nil)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := 23 + created.Load() - deleted.Load()
	if got := len(h.srv.Images()); int64(got) != want {
		t.Fatalf("%d images, want %d", got, want)
	}
	b := h.expect("POST", "/v1/docker/list", h.user, nil, 200, nil)
	if got := len(decode[[]any](t, b)); int64(got) != want {
		t.Fatalf("list shows %d images, want %d", got, want)
	}
	for _, r := range h.srv.Requests() {
		if r.Status >= 500 || r.Status == 0 {
			t.Fatalf("request %s %s answered %d", r.Method, r.Path, r.Status)
		}
	}
}
