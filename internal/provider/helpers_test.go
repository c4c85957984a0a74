// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// imageBody is the request-form body of a GPU image of yolo v7 that another client of srv
// makes (srv.CreateImage): pulled from url, from the registry url names, without a login.
func imageBody(t *testing.T, srv *acctest.Server, name, version, url string, tasks ...string) map[string]any {
	t.Helper()
	registry, _, _ := strings.Cut(url, "/")
	return map[string]any{
		"name": name, "version": version, "url": url, "registry_url": registry,
		"registry_username": nil, "registry_password": nil, "cuda_version": "11.1", "framework": yoloV7(t, srv), "domain": "od",
		"tasks": tasks, "min_hardware_generation": "Pascal", "cpu": false, "licence": "MIT",
	}
}

// statePK returns the pk of the managed image (addr) in s.
func statePK(s *terraform.State) (int64, error) {
	return strconv.ParseInt(s.RootModule().Resources[addr].Primary.Attributes["pk"], 10, 64)
}

// rememberPK is a check that keeps the pk of the managed image in *pk for later steps.
func rememberPK(pk *int64) resource.TestCheckFunc {
	return func(s *terraform.State) (err error) {
		*pk, err = statePK(s)
		return err
	}
}

// yoloV7Values are the state values that a GPU image of yolo v7 as gpuImage writes it and the
// sample catalog's yolo v7 image share.
func yoloV7Values(t *testing.T, srv *acctest.Server) map[string]knownvalue.Check {
	t.Helper()
	return map[string]knownvalue.Check{
		"version":                 str("v7_2022-10-08_cuda11.1"),
		"registry_username":       str("public"),
		"cuda_version":            str("11.1"),
		"cuda_full_version":       str("11.1.0"),
		"framework":               knownvalue.Int64Exact(yoloV7(t, srv)),
		"framework_name":          str("yolo"),
		"framework_version":       str("v7"),
		"domain":                  str("od"),
		"domain_description":      str("Object Detection"),
		"min_hardware_generation": str("Pascal"),
		"cpu":                     knownvalue.Bool(false),
		"licence":                 str("GPL3"),
	}
}

// expectKnownValues checks addr's state values: those of every map (a later one's win), in
// the order of their attributes' names.
func expectKnownValues(addr string, values ...map[string]knownvalue.Check) []statecheck.StateCheck {
	all := map[string]knownvalue.Check{}
	for _, v := range values {
		maps.Copy(all, v)
	}
	checks := make([]statecheck.StateCheck, 0, len(all))
	for _, attr := range slices.Sorted(maps.Keys(all)) {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), all[attr]))
	}
	return checks
}
