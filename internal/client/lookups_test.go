// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

var lookupRoutes = []string{
	"POST /v1/domains/list", "POST /v1/cuda/list", "POST /v1/hardware/list",
	"POST /v1/licences/list", "POST /v1/job-contracts/list", "POST /v1/frameworks/list",
}

func TestLookupsLoadedOnceUnderConcurrency(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	results := make(chan *Lookups, concurrentCallers)
	runConcurrently(t, func() error {
		lk, err := c.Lookups(ctx)
		results <- lk
		return err
	})
	close(results)
	var first *Lookups
	for lk := range results {
		if first == nil {
			first = lk
		}
		if !reflect.DeepEqual(lk, first) {
			t.Fatal("callers got different lookup tables")
		}
	}
	for _, r := range lookupRoutes {
		if n := f.count(r); n != 1 {
			t.Errorf("%s called %d times, want 1", r, n)
		}
	}
	if !reflect.DeepEqual(first.Domains, testDomains) || !reflect.DeepEqual(first.Frameworks, testFrameworks) ||
		len(first.CUDAVersions) != 4 || len(first.HardwareGenerations) != 3 || len(first.Licences) != 3 || len(first.JobContracts) != 2 {
		t.Errorf("lookups %+v", first)
	}
	// Cached afterwards.
	if _, err := c.Lookups(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count("POST /v1/domains/list"); n != 1 {
		t.Errorf("domains listed %d times after a cached call", n)
	}
	// A miss reloads the tables once per Client, however often it happens.
	never := func(*Lookups) bool { return false }
	for range 3 {
		if _, err := c.LookupsWith(ctx, never); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range lookupRoutes {
		if n := f.count(r); n != 2 {
			t.Errorf("%s called %d times after three misses, want 2", r, n)
		}
	}
}

func TestLookupsListOnlyTheTablesAskedFor(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	lk, err := c.Lookups(ctx, TableDomains)
	if err != nil {
		t.Fatal(err)
	}
	if len(lk.Domains) != len(testDomains) || lk.CUDAVersions != nil || lk.Frameworks != nil {
		t.Errorf("asked for the domains, got %+v", lk)
	}
	for _, r := range lookupRoutes {
		want := 0
		if r == "POST /v1/domains/list" {
			want = 1
		}
		if n := f.count(r); n != want {
			t.Errorf("%s called %d times, want %d", r, n, want)
		}
	}
	// A miss reloads only the tables it concerns.
	if _, err := c.LookupsWith(ctx, func(lk *Lookups) bool { _, ok := lk.DomainByCode("xx"); return ok }, TableDomains); err != nil {
		t.Fatal(err)
	}
	if n, m := f.count("POST /v1/domains/list"), f.count("POST /v1/frameworks/list"); n != 2 || m != 0 {
		t.Errorf("after a domain miss: domains listed %d times (want 2), frameworks %d (want 0)", n, m)
	}
}

func TestLookupsFailureNotCached(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/hardware/list", 1, status(403, "application/json", `{"detail": "You do not have permission to perform this action."}`))
	c := f.client()
	ctx := context.Background()
	_, err := c.Lookups(ctx)
	if !IsForbidden(err) {
		t.Fatalf("got %v, want 403", err)
	}
	lk, err := c.Lookups(ctx)
	if err != nil || len(lk.HardwareGenerations) != 3 {
		t.Fatalf("second load: %v %v", lk, err)
	}
}

func TestLookupsGarbage(t *testing.T) {
	f := newFake(t)
	f.intercept("POST", "/v1/cuda/list", -1, status(200, "application/json", `[{"pk": 1, "version": 11.1}]`))
	c := f.client()
	_, err := c.Lookups(context.Background())
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
	want := `POST /v1/cuda/list: 200 OK but the body is not a list of CUDA versions: item 0: field "version" is a JSON number, expected a string`
	if want = atHost(want, f.srv.URL); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestFindersAndChoices(t *testing.T) {
	lk := &Lookups{
		Domains: testDomains, CUDAVersions: testCUDA, HardwareGenerations: testHardware,
		Licences: testLicences, JobContracts: testJobContracts, Frameworks: testFrameworks,
	}
	if d, ok := lk.DomainByCode("od"); !ok || d.Description != "Object Detection" {
		t.Errorf("DomainByCode: %v %v", d, ok)
	}
	if d, ok := lk.DomainByDescription("Speech"); !ok || d.Name != "sp" {
		t.Errorf("DomainByDescription: %v %v", d, ok)
	}
	if _, ok := lk.DomainByCode("xx"); ok {
		t.Error("DomainByCode(xx) found")
	}
	if v, ok := lk.CUDAByVersion("10.0"); !ok || v.FullVersion != "10.0.130" {
		t.Errorf("CUDAByVersion: %v", v)
	}
	if fw, ok := lk.FrameworkByPK(17); !ok || fw.Name != "yolo" {
		t.Errorf("FrameworkByPK: %v", fw)
	}
	if fw, ok := lk.FrameworkByNameVersion("mmdetection", "2020-03-01"); !ok || fw.PK != 3 {
		t.Errorf("FrameworkByNameVersion: %v", fw)
	}
	if _, ok := lk.FrameworkByNameVersion("yolo", "v8"); ok {
		t.Error("FrameworkByNameVersion(yolo, v8) found")
	}
	if h, ok := lk.HardwareByGeneration("Kepler"); !ok || h.PK != 2 {
		t.Errorf("HardwareByGeneration: %v", h)
	}
	if l, ok := lk.LicenceByName("MIT"); !ok || l.PK != 3 {
		t.Errorf("LicenceByName: %v", l)
	}
	if j, ok := lk.JobContractByName("Predict"); !ok || j.PK != 2 {
		t.Errorf("JobContractByName: %v", j)
	}
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"domains", lk.DomainCodes(), []string{"ic", "is", "od", "sc", "sp"}},
		{"cuda", lk.CUDAVersionStrings(), []string{"9.2", "10.0", "11.1", "11.7"}},
		{"hardware", lk.HardwareGenerationNames(), []string{"Kepler", "Pascal", "Ampere"}},
		{"licences", lk.LicenceNames(), []string{"apache 2.0", "GPL3", "MIT"}},
		{"job contracts", lk.JobContractNames(), []string{"Predict", "Train"}},
		{"frameworks", lk.FrameworkChoices(), []string{"3 (mmdetection 2020-03-01)", "17 (yolo v7)"}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if got := lk.FrameworkPKs(); !reflect.DeepEqual(got, []int64{3, 17}) {
		t.Errorf("FrameworkPKs %v", got)
	}
	// The shared value is not reordered by the choice lists.
	if lk.CUDAVersions[0].Version != "11.1" || lk.HardwareGenerations[0].Generation != "Pascal" {
		t.Error("choice lists modified the tables")
	}
}

func TestVersionLess(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"9.0", "10.0", true}, {"10.0", "9.0", false}, {"11.1", "11.10", true}, {"11", "11.0", true},
		{"11.0", "11.0", false}, {"a", "b", true}, {"11.x", "11.1", false},
	} {
		if got := versionLess(tc.a, tc.b); got != tc.want {
			t.Errorf("versionLess(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestListLookupWithFilter(t *testing.T) {
	f := newFake(t)
	c := f.client()
	asc := true
	_, err := c.ListFrameworks(context.Background(), &Filter{
		Expressions: []Expression{{Type: ExprExact, Field: "name", Value: "yolo"}},
		OrderBy:     []Ordering{{Field: "version", Ascending: asc}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"expressions":[{"type":"exact","field":"name","value":"yolo"}],"order_by":[{"field":"version","ascending":true}]}`
	if got := f.requestBodies("POST /v1/frameworks/list"); len(got) != 1 || got[0] != want {
		t.Errorf("body %v, want %s", got, want)
	}
}
