// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// sampleCatalog is the real deployment's catalog of 23 images (the reference server's
// -samples, the real backend's own migrations) as the server under test numbers them. Tests
// name sample images by "name:version" and take their pks from here: pks differ between
// servers, and a shared server holds other images besides.
type sampleCatalog struct {
	pks map[string]int64 // "name:version" -> pk
}

// samplesServer returns a server holding the sample catalog: a reference server started with
// it, or the external deployment, whose migrations load it.
func samplesServer(t *testing.T) (*acctest.Server, *sampleCatalog) {
	t.Helper()
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Samples = true })
	isSample := sampleNameVersions(t)
	var all []map[string]any
	if err := srv.API(http.MethodPost, "/v1/docker/list", map[string]any{}, &all); err != nil {
		t.Fatalf("listing the catalog: %v", err)
	}
	cat := &sampleCatalog{pks: map[string]int64{}}
	for _, img := range all {
		if nv := nameVersion(img); isSample[nv] {
			pk, _ := img["pk"].(float64)
			cat.pks[nv] = int64(pk)
		}
	}
	if len(cat.pks) != len(isSample) {
		t.Fatalf("the server holds %d of the %d sample images", len(cat.pks), len(isSample))
	}
	if srv.Ref != nil {
		srv.Ref.ResetCalls()
	}
	return srv, cat
}

// sampleNameVersions returns the "name:version" of every image of the sample catalog.
func sampleNameVersions(t *testing.T) map[string]bool {
	t.Helper()
	ref, err := refserver.New(refserver.Options{Samples: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, img := range ref.Images() {
		out[nameVersion(img)] = true
	}
	return out
}

func nameVersion(img map[string]any) string {
	return fmt.Sprintf("%v:%v", img["name"], img["version"])
}

// pk returns the pk of sample image nv ("name:version").
func (c *sampleCatalog) pk(t *testing.T, nv string) int64 {
	t.Helper()
	pk, ok := c.pks[nv]
	if !ok {
		t.Fatalf("%s is not a sample image", nv)
	}
	return pk
}

// expect checks that the ufdl_dockerimages result at addr holds exactly the sample images
// want, in that order, in both its images and its pks. Images that are not samples (other
// users' images on a shared server) are not counted.
func (c *sampleCatalog) expect(addr string, want ...string) statecheck.StateCheck {
	return sampleResult{cat: c, addr: addr, want: want}
}

type sampleResult struct {
	cat  *sampleCatalog
	addr string
	want []string
}

func (s sampleResult) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	values, err := stateValues(req.State, s.addr)
	if err != nil {
		resp.Error = err
		return
	}
	images, _ := values["images"].([]any)
	pks, _ := values["pks"].([]any)
	if len(images) != len(pks) {
		resp.Error = fmt.Errorf("%s has %d images but %d pks", s.addr, len(images), len(pks))
		return
	}
	var got []string
	for i, e := range images {
		img, _ := e.(map[string]any)
		nv := nameVersion(img)
		pk, inCatalog := s.cat.pks[nv]
		if !inCatalog {
			continue
		}
		if n, _ := pks[i].(json.Number); n.String() != fmt.Sprint(pk) {
			if f, ok := pks[i].(float64); !ok || int64(f) != pk {
				resp.Error = fmt.Errorf("%s: pks[%d] = %v, but images[%d] is %s, pk %d on the server", s.addr, i, pks[i], i, nv, pk)
				return
			}
		}
		got = append(got, nv)
	}
	if !slices.Equal(got, s.want) && !(len(got) == 0 && len(s.want) == 0) {
		resp.Error = fmt.Errorf("%s holds the sample images\n  %v\nwant\n  %v", s.addr, got, s.want)
	}
}

// stateValues returns the attribute values of the resource or data source at addr.
func stateValues(state *tfjson.State, addr string) (map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == addr {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the state", addr)
}

// byPK returns nvs ordered by their pks on this server: the order of a query without
// order_by (the provider orders by pk last).
func (c *sampleCatalog) byPK(t *testing.T, nvs ...string) []string {
	t.Helper()
	for _, nv := range nvs {
		c.pk(t, nv)
	}
	out := slices.Clone(nvs)
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(c.pks[a], c.pks[b]) })
	return out
}

// all returns every sample image.
func (c *sampleCatalog) all() []string { return slices.Collect(maps.Keys(c.pks)) }

// allBut returns every sample image but the given ones.
func (c *sampleCatalog) allBut(except ...string) []string {
	var out []string
	for nv := range c.pks {
		if !slices.Contains(except, nv) {
			out = append(out, nv)
		}
	}
	return out
}

// fromPK returns the sample images whose pk is at least pk.
func (c *sampleCatalog) fromPK(pk int64) []string {
	var out []string
	for nv, p := range c.pks {
		if p >= pk {
			out = append(out, nv)
		}
	}
	return out
}

// only keeps the sample images of nvs, in order.
func (c *sampleCatalog) only(nvs []string) []string {
	var out []string
	for _, nv := range nvs {
		if _, ok := c.pks[nv]; ok {
			out = append(out, nv)
		}
	}
	return out
}
