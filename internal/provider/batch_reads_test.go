// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccBatchedRefresh runs real terraform plans over 30 images and counts what the
// server saw: refreshes share list calls, and drift, deletion and fresh changes are all seen.
func TestAccBatchedRefresh(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	const n = 30
	prefix := acctest.Name("batch")
	srv.RemoveAtEnd(t, prefix)
	w := acctest.NewWorkdir(t, acctest.TestdataFile(t, "count/main.tf"))
	env := srv.Env("TF_VAR_prefix="+prefix, "TF_VAR_framework="+strconv.FormatInt(yoloV7(t, srv), 10), "TF_VAR_n="+strconv.Itoa(n))
	plan := func(wantExit int) string {
		t.Helper()
		srv.ResetCalls()
		out, err := w.RunEnv(env, "plan", "-detailed-exitcode", "-no-color")
		exit := 0
		if err != nil {
			exit = -1
			if ee, ok := err.(interface{ ExitCode() int }); ok {
				exit = ee.ExitCode()
			}
		}
		if exit != wantExit {
			t.Fatalf("plan exit code %d, want %d:\n%s", exit, wantExit, out)
		}
		if gets := srv.Calls("GET /v1/docker/{pk}"); gets != 0 {
			t.Errorf("plan made %d GETs of images; refreshes should be served by list calls", gets)
		}
		// What holds under any scheduling: no image is read twice, and there are never more
		// lists than reads (the refreshes and the name check of an image planned for
		// creation). How many reads share a list depends on the machine's timing: that is
		// internal/coalesce's, tested with a fake clock, and a figure of make bench.
		expectEachImageListedOnce(t, srv, n+1)
		return out
	}
	pkOf := func(i int) int64 {
		t.Helper()
		images, err := srv.ImagesNamed(fmt.Sprintf("%s-%d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range images {
			if img["name"] == fmt.Sprintf("%s-%d", prefix, i) {
				return acctest.PK(img)
			}
		}
		t.Fatalf("image %d not on the server", i)
		return 0
	}

	if out, err := w.RunEnv(env, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if got := srv.CountImagesNamed(t, prefix); got != n {
		t.Fatalf("server holds %d images after apply, want %d", got, n)
	}
	// Both provider processes of apply (one plans, one applies) check each new image's name
	// once, in lists shared by the checks made together; every lookup table is listed once per
	// process.
	if lists, creates := srv.Calls("POST /v1/docker/list"), srv.Calls("POST /v1/docker/create"); lists < 2 || lists > 2*n || creates != n {
		t.Errorf("apply of %d images: %d list calls and %d creates, want 2 to %d and %d", n, lists, creates, 2*n, n)
	}
	for _, table := range []string{"cuda", "domains", "frameworks", "hardware", "job-contracts", "licences"} {
		if c := srv.Calls("POST /v1/" + table + "/list"); c != 2 {
			t.Errorf("apply listed /v1/%s %d times, want once per provider process (2)", table, c)
		}
	}

	plan(0) // right after apply: empty
	// An empty plan costs one login and the image lists: no lookup table (what it reads maps
	// onto state without one), no GET.
	got := srv.CallCounts()
	delete(got, "POST /v1/docker/list")
	if want := map[string]int{"POST /v1/auth/obtain": 1}; !maps.Equal(got, want) {
		t.Errorf("empty plan of %d images made %v besides the image lists, want %v", n, got, want)
	}

	if err := srv.PatchImage(pkOf(7), map[string]any{"url": "drift.example.com/x:1"}); err != nil {
		t.Fatal(err)
	}
	out := plan(2)
	if !strings.Contains(out, "ufdl_dockerimage.img[7] will be updated in-place") ||
		!strings.Contains(out, `"drift.example.com/x:1" -> "registry.example.com:443/team/img-7:v1"`) ||
		!strings.Contains(out, "0 to add, 1 to change, 0 to destroy") {
		t.Errorf("plan does not show exactly the drift of image 7:\n%s", out)
	}

	// Changed again between two plans: the second plan reads it fresh.
	if err := srv.PatchImage(pkOf(7), map[string]any{"url": "drift2.example.com/x:2"}); err != nil {
		t.Fatal(err)
	}
	if out := plan(2); !strings.Contains(out, `"drift2.example.com/x:2" -> "registry.example.com:443/team/img-7:v1"`) {
		t.Errorf("second plan does not show the newer value:\n%s", out)
	}

	if err := srv.DeleteImage(pkOf(12)); err != nil {
		t.Fatal(err)
	}
	out = plan(2)
	if !strings.Contains(out, "ufdl_dockerimage.img[12] will be created") || !strings.Contains(out, "1 to add, 1 to change, 0 to destroy") {
		t.Errorf("plan does not recreate the deleted image 12 and fix image 7:\n%s", out)
	}

	// Without batching, the same plan reads each image with its own GET.
	srv.ResetCalls()
	out, err := w.RunEnv(append(env, "UFDL_BATCH_READS=false"), "plan", "-detailed-exitcode", "-no-color")
	if err == nil || !strings.Contains(out, "1 to add, 1 to change, 0 to destroy") {
		t.Errorf("unbatched plan differs:\n%s", out)
	}
	// Its one list call is the name check of the image planned for creation.
	if gets, lists := srv.Calls("GET /v1/docker/{pk}"), srv.Calls("POST /v1/docker/list"); gets != n || lists != 1 {
		t.Errorf("unbatched plan: %d GETs and %d lists, want %d and 1", gets, lists, n)
	}

	// A destroy proves every image gone with shared read-backs, never a GET each. On the real
	// backend, which keeps an image that has tasks, the first destroy finds that out and the
	// others clear their tasks first: one DELETE each, and one more for the first.
	srv.ResetCalls()
	if out, err := w.RunEnv(env, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	left := n - 1 // image 12 was deleted above
	deletes, patches := left, 0
	if acctest.BackendLike() {
		deletes, patches = left+1, left
	}
	if d, p, g := srv.Calls("DELETE /v1/docker/{pk}"), srv.Calls("PATCH /v1/docker/{pk}"), srv.Calls("GET /v1/docker/{pk}"); d != deletes || p != patches || g != 0 {
		t.Errorf("destroy of %d images: %d DELETEs, %d PATCHes, %d GETs; want %d, %d and 0", left, d, p, g, deletes, patches)
	}
	if got := srv.CountImagesNamed(t, prefix); got != 0 {
		t.Errorf("destroy left %d images", got)
	}
}

// expectEachImageListedOnce checks the image lists the server saw since the last ResetCalls:
// at most reads of them, and none selecting an image another one selected.
func expectEachImageListedOnce(t *testing.T, srv *acctest.Server, reads int) {
	t.Helper()
	seen := map[int64]int{}
	lists := 0
	for _, r := range srv.Requests() {
		if r.Method != "POST" || r.Route != "/v1/docker/list" {
			continue
		}
		lists++
		for _, pk := range selectedPKs(t, r.Body) {
			if seen[pk]++; seen[pk] == 2 {
				t.Errorf("image %d was read twice in one plan", pk)
			}
		}
	}
	if lists > reads {
		t.Errorf("%d list calls for %d reads", lists, reads)
	}
}

// selectedPKs are the pks an image list's filter selects by pk.
func selectedPKs(t *testing.T, body []byte) []int64 {
	t.Helper()
	var f struct {
		Expressions []json.RawMessage `json:"expressions"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatalf("list body %s: %v", body, err)
	}
	var out []int64
	var walk func(raw json.RawMessage)
	walk = func(raw json.RawMessage) {
		var e struct {
			Field string            `json:"field"`
			Value json.Number       `json:"value"`
			Subs  []json.RawMessage `json:"sub_expressions"`
		}
		if json.Unmarshal(raw, &e) != nil {
			return
		}
		if pk, err := e.Value.Int64(); e.Field == "pk" && err == nil {
			out = append(out, pk)
		}
		for _, s := range e.Subs {
			walk(s)
		}
	}
	for _, e := range f.Expressions {
		walk(e)
	}
	return out
}
