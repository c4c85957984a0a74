// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"strings"
	"testing"
)

func TestCheckURLShape(t *testing.T) {
	valid := []string{
		"public.aml-repo.cms.waikato.ac.nz:443",
		"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		"https://registry.example.com",
		"http://127.0.0.1:5000/x",
		"localhost",
		"[::1]:5000/a/b:c",
		"registry-1.docker.io/library/ubuntu:22.04",
	}
	for _, v := range valid {
		if why := checkURLShape(v); why != "" {
			t.Errorf("checkURLShape(%q) = %q, want valid", v, why)
		}
	}
	invalid := map[string]string{
		"":                           "not of the form",
		"not a url":                  "white space",
		"ftp://registry.example.com": "not of the form",
		"registry.example.com:0":     "port 0 is not between 1 and 65535",
		"registry.example.com:70000": "port 70000 is not between 1 and 65535",
		"-bad.example.com":           "not of the form",
		"a..b":                       "not of the form",
		"[1:2:3:4:5:6:7:8:9]":        "not a valid IPv6 address",
		"[zz::1]":                    "not of the form",
		"host\tname":                 "white space",
		"https://":                   "not of the form",
	}
	for v, want := range invalid {
		why := checkURLShape(v)
		if why == "" || !strings.Contains(why, want) {
			t.Errorf("checkURLShape(%q) = %q, want a reason containing %q", v, why, want)
		}
	}
}
