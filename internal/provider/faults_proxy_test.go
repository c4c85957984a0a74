// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// The tests in this file inject their faults with the acceptance suite's proxy, which stands
// between the provider and the server: they run against the reference server (answering as
// the real backend does) and, with UFDL_ACC_EXTERNAL=1, against the real UFDL backend, whose
// commits, clashes and kept deletes are then the real ones.

// backendLike makes an in-process reference server answer as the real backend does; an
// external deployment is the real backend itself.
func backendLike(o *refserver.Options) { o.Profile = refserver.ProfileUFDLBackend }

// newProxyRun starts a server behind the proxy and a run of testdata/row_and_images: a
// hardware generation and var.n images that need it, all named after prefix.
func newProxyRun(t *testing.T, what string, env ...string) *tfRun {
	t.Helper()
	srv := acctest.NewServerBehindProxy(t, backendLike)
	prefix := acctest.Name(what)
	srv.RemoveRowsAtEnd(t, "/v1/hardware", "generation", prefix+"-")
	return newTFRunConfig(t, srv, prefix, acctest.TestdataFile(t, "row_and_images/main.tf"), env...)
}

// loseAnswer makes the proxy forward the next request to method and route, and drop the
// server's answer: the request takes effect, the provider never learns how.
func loseAnswer(srv *acctest.Server, method, route string) {
	srv.Proxy.AddFault(acctest.Fault{Method: method, Route: route, Kind: acctest.ProxyForwardThenDrop, Times: 1})
}

// expectEveryFaultHit fails t unless each fault added since the last clear applied exactly
// once, and clears them.
func expectEveryFaultHit(t *testing.T, srv *acctest.Server, what string) {
	t.Helper()
	if hits := srv.Proxy.Hits(); slices.ContainsFunc(hits, func(h int) bool { return h != 1 }) {
		t.Errorf("%s: the faults applied %v times, want once each", what, hits)
	}
	srv.Proxy.ClearFaults()
}

// TestAccProxyFaults_lostAnswersOfEveryWrite loses the server's answer to every kind of write
// the provider makes, after the server committed it: the create, PATCH and DELETE of a
// catalog row (a hardware generation) and of images. Every command succeeds, the server then
// holds exactly what state holds (no orphan, no duplicate), and the next plan is empty.
func TestAccProxyFaults_lostAnswersOfEveryWrite(t *testing.T) {
	t.Parallel()
	r := newProxyRun(t, "lostw")
	srv := r.srv

	loseAnswer(srv, "POST", "/v1/hardware/create")
	loseAnswer(srv, "POST", "/v1/docker/create")
	r.apply()
	expectEveryFaultHit(t, srv, "create")
	if got := r.checkServerMatchesState(); got != 2 {
		t.Fatalf("state holds %d images after apply, want 2", got)
	}
	r.checkRowMatchesState(901)
	r.expectEmptyPlan(nil)

	loseAnswer(srv, "PATCH", "/v1/hardware/{pk}")
	loseAnswer(srv, "PATCH", "/v1/docker/{pk}")
	r.apply("url_tag=v2", "max_compute_capability=902")
	expectEveryFaultHit(t, srv, "update")
	r.checkServerMatchesState()
	r.checkRowMatchesState(902)
	images, err := srv.ImagesNamed(r.prefix + "-")
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range images {
		if url, _ := img["url"].(string); !strings.HasSuffix(url, ":v2") {
			t.Errorf("image %d was not updated: url %v", acctest.PK(img), img["url"])
		}
	}
	r.expectEmptyPlan(nil, "url_tag=v2", "max_compute_capability=902")

	loseAnswer(srv, "DELETE", "/v1/docker/{pk}")
	loseAnswer(srv, "DELETE", "/v1/hardware/{pk}")
	r.must(0, nil, "destroy", "-auto-approve", "-var", "url_tag=v2", "-var", "max_compute_capability=902")
	expectEveryFaultHit(t, srv, "destroy")
	if got := r.checkServerMatchesState(); got != 0 {
		t.Errorf("state holds %d images after destroy, want none", got)
	}
	r.checkRowMatchesState(0)
}

// TestAccProxyFaults_outageRightAfterCreate commits a create, loses its answer, and takes the
// server away at that moment, so that the provider cannot learn whether the image exists: the
// apply fails saying so, and the state records the attempt. Once the server is back, the next
// apply settles it (the image is adopted and replaced), leaving one image, the one in state.
func TestAccProxyFaults_outageRightAfterCreate(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServerBehindProxy(t, backendLike)
	prefix := acctest.Name("outage")
	r := newTFRun(t, srv, prefix, "UFDL_MAX_RETRIES=1")

	srv.Proxy.AddFault(acctest.Fault{Method: "POST", Route: "/v1/docker/create", Kind: acctest.ProxyForwardThenDrop, Times: 1, ThenOutage: true})
	out := r.must(1, nil, "apply", "-auto-approve")
	expectEveryFaultHit(t, srv, "create")
	msg := r.expectOneError(out, "UFDL Server Unreachable", "may have stored it", "The state records the attempt")
	t.Logf("the user reads: %s", msg)
	st := r.state()
	if len(st) != 1 || st[0].Name != prefix+"-0" {
		t.Fatalf("state after the lost create holds %+v, want the attempt at %s-0", st, prefix)
	}
	if n := srv.CountImagesNamed(t, prefix+"-"); n != 1 {
		t.Fatalf("the server holds %d images after the committed create, want 1", n)
	}

	r.apply()
	if got := r.checkServerMatchesState(); got != 1 {
		t.Errorf("state holds %d images after the settling apply, want 1", got)
	}
	r.expectEmptyPlan(nil)
}

// tfStateRow is one ufdl_hardware_generation in the local state file.
type tfStateRow struct {
	PK                   int64   `json:"pk"`
	Generation           string  `json:"generation"`
	MaxComputeCapability float64 `json:"max_compute_capability"`
}

// checkRowMatchesState checks the hardware generation of a row_and_images run: the server
// holds exactly the one in state, whose max_compute_capability is maxCC; with maxCC 0, that
// neither holds one.
func (r *tfRun) checkRowMatchesState(maxCC float64) {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.w.Dir, "terraform.tfstate"))
	if err != nil {
		r.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string
			Instances []struct {
				Attributes tfStateRow `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		r.t.Fatalf("state file: %v", err)
	}
	var inState []tfStateRow
	for _, res := range st.Resources {
		if res.Type == "ufdl_hardware_generation" {
			for _, in := range res.Instances {
				inState = append(inState, in.Attributes)
			}
		}
	}
	rows, err := r.srv.RowsWhere("/v1/hardware", "generation", r.prefix+"-")
	if err != nil {
		r.t.Fatalf("listing the run's hardware generations: %v", err)
	}
	var onServer []tfStateRow
	for _, row := range rows {
		maxCap, _ := row["max_compute_capability"].(float64)
		onServer = append(onServer, tfStateRow{PK: acctest.PK(row), Generation: fmt.Sprint(row["generation"]), MaxComputeCapability: maxCap})
	}
	want := []tfStateRow{}
	if maxCC != 0 {
		want = []tfStateRow{{Generation: r.prefix + "-hw", MaxComputeCapability: maxCC}}
	}
	for _, got := range [][]tfStateRow{inState, onServer} {
		if len(got) != len(want) || (len(want) == 1 && (got[0].Generation != want[0].Generation || got[0].MaxComputeCapability != maxCC)) {
			r.t.Errorf("hardware generations: state %+v, server %+v, want %+v", inState, onServer, want)
			return
		}
	}
	if len(want) == 1 && inState[0].PK != onServer[0].PK {
		r.t.Errorf("state holds hardware generation pk %d, the server pk %d", inState[0].PK, onServer[0].PK)
	}
}
