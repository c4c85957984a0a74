// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The tests in this file read errors as users do, and check that each says what to change.

// TestAccHostWithAPIPrefixIsRefused: a host that ends in /v1 would send every request to
// /v1/v1/...: the real backend logs in there (its auth routes match anywhere in the path) and
// then answers every list 404. The provider refuses such a host before any request, and says
// which to write.
func TestAccHostWithAPIPrefixIsRefused(t *testing.T) {
	srv := acctest.NewServer(t)
	srv.ResetCalls()
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"ufdl\" {\n  host     = %q\n  username = %q\n  password = %q\n}\n", srv.URL+"/v1", srv.AdminUser, srv.AdminPassword) +
				"data \"ufdl_dockerimages\" \"all\" {}\n",
			ExpectError: errorText("Invalid UFDL Host", fmt.Sprintf(`%q includes /v1, the API's own prefix`, srv.URL+"/v1"),
				fmt.Sprintf("a login would go to %s/v1/v1/auth/obtain", srv.URL), fmt.Sprintf("write %q", srv.URL)),
		}},
	})
	if calls := srv.CallCounts(); len(calls) != 0 {
		t.Errorf("the refused host was called: %v", calls)
	}
}

// TestAccRequestErrorsNameTheURL: a host with a wrong path prefix makes the server answer 404;
// the error names the URL the request went to, which shows the prefix. (The reference server
// refuses the login there; the real backend logs in, and refuses the list.)
func TestAccRequestErrorsNameTheURL(t *testing.T) {
	srv := acctest.NewServer(t)
	host := srv.URL + "/ufdl"
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"ufdl\" {\n  host     = %q\n  username = %q\n  password = %q\n}\n", host, srv.AdminUser, srv.AdminPassword) +
				"data \"ufdl_dockerimages\" \"all\" {}\n",
			ExpectError: regexp.MustCompile(`POST\s+` + regexp.QuoteMeta(host) + `/v1/(auth/obtain|docker/list):\s+404\s+Not\s+Found`),
		}},
	})
}

// TestAccFunctionErrorsReadAsOneSentence: Terraform ends a function's error with a period of
// its own ("Invalid value for "digest" parameter: ...."), so the provider's end without one.
func TestAccFunctionErrorsReadAsOneSentence(t *testing.T) {
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_8_0)) // provider functions
	t.Parallel()
	long := "registry.example.com:443/" + strings.Repeat("a", 100) + ":" + strings.Repeat("t", 40)
	const digest = "sha256:4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b5c1d0e2f4a3b"
	for name, call := range map[string]string{
		"digest":    `provider::ufdl::pin_image("registry.example.com/team/app:v1", "latest")`,
		"url":       `provider::ufdl::pin_image("https://registry.example.com/team/app:v1", "` + digest + `")`,
		"too long":  `provider::ufdl::pin_image("` + long + `", "` + digest + `")`,
		"parse url": `provider::ufdl::parse_image("https://registry.example.com/team/app:v1")`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := acctest.NewWorkdir(t, "terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\n"+
				"output \"v\" {\n  value = "+call+"\n}\n")
			out := acctest.NewCLI(t, w, nil).MustFail("plan")
			flat := strings.Join(strings.Fields(out), " ")
			if !strings.Contains(flat, "Invalid value for") {
				t.Fatalf("no function argument error:\n%s", out)
			}
			if strings.Contains(flat, "..") {
				t.Errorf("the error ends in two periods:\n%s", out)
			}
		})
	}
}

// TestAccImageDigestUnreachableRegistryAdvice: the data source asks the registry whatever
// registry_check says, so its error does not offer registry_check = "off" as the way out.
func TestAccImageDigestUnreachableRegistryAdvice(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String() // nothing listens there once closed
	_ = ln.Close()
	w := acctest.NewWorkdir(t, cliProviderBlock(srv)+fmt.Sprintf("data \"ufdl_image_digest\" \"d\" {\n  url = %q\n}\n", closed+"/team/app:v1"))
	out := acctest.NewCLI(t, w, nil).MustFail("plan")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Registry Unreachable", "connection refused", "This data source asks the registry whatever registry_check says"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the error lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(flat, `set registry_check = "off"`) {
		t.Errorf("the error advises registry_check = \"off\", which does not change this data source:\n%s", out)
	}
}

// TestAccDockerImage_importIdentityWithPKZero: pk 0 is no primary key; the import refuses it
// at once instead of reading an image that cannot exist.
func TestAccDockerImage_importIdentityWithPKZero(t *testing.T) {
	srv := acctest.NewServer(t)
	srv.ResetCalls()
	acctest.TestFrom(t, tfversion.Version1_12_0, resource.TestStep{
		Config: imageConfig(srv.ProviderConfig(), gpuImage(t, srv, acctest.Name("pk0"))) +
			"import {\n  to       = ufdl_dockerimage.test\n  identity = { pk = 0 }\n}\n",
		ExpectError: errorText("Invalid Import Identity", "The identity's pk is 0, which is no primary key", "identity = { pk = 12 }"),
	})
	if n := srv.Calls("GET /v1/docker/{pk}") + srv.Calls("POST /v1/docker/list"); n != 0 {
		t.Errorf("the import of pk 0 read the server %d times", n)
	}
}

// TestAccDockerImage_importMissingVersionListsTheOthers: importing name:version that the
// server does not hold lists the versions it holds under that name.
func TestAccDockerImage_importMissingVersionListsTheOthers(t *testing.T) {
	srv := acctest.NewServer(t)
	name := acctest.Name("vers")
	for _, v := range []string{"v2", "v1"} {
		srv.CreateImage(t, imageBody(t, srv, name, v, "r.example.com/x:"+v, "Train"))
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(srv.ProviderConfig(), gpuImage(t, srv, name)) +
				fmt.Sprintf("import {\n  to = ufdl_dockerimage.test\n  id = %q\n}\n", name+":v3"),
			ExpectError: errorText("Docker Image Not Found", fmt.Sprintf("The server holds no docker image named %q with version %q", name, "v3"),
				fmt.Sprintf("Under that name it holds %q, %q: import one of them", name+":v1", name+":v2")),
		}},
	})
}
