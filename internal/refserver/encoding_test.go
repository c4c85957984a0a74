// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAppendString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\x01\x1f", `"\n\r\t\u0001\u001f"`},
		{"é€😀", `"é€😀"`},
		{"a\xffb", `"a\ufffdb"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"<&>", `"<&>"`},
	} {
		got := string(appendString(nil, c.in))
		if got != c.want {
			t.Errorf("appendString(%q) = %s, want %s", c.in, got, c.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("appendString(%q) is not JSON: %v", c.in, err)
		}
	}
	for f, want := range map[float64]string{6: "6.0", 7.5: "7.5", 0: "0.0", -2: "-2.0", 1e20: "1e+20", 0.1: "0.1"} {
		if got := string(appendFloat(nil, f)); got != want {
			t.Errorf("appendFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestURLShapes(t *testing.T) {
	for u, want := range map[string]bool{
		"public.aml-repo.cms.waikato.ac.nz:443":                                    true,
		"public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:1": true,
		"https://registry-1.docker.io/v2/":                                         true,
		"HTTP://localhost":                                                         true,
		"[::1]":                                                                    true,
		"[2001:db8::1]:5000/x":                                                     true,
		"localhost:65535":                                                          true,
		"":                                                                         false,
		"host:":                                                                    false,
		"host:99999":                                                               false,
		"host:1a":                                                                  false,
		"[::1":                                                                     false,
		"[127.0.0.1]":                                                              false,
		"[::1]x":                                                                   false,
		"[::1]:0":                                                                  false,
		"-host":                                                                    false,
		"a..b":                                                                     false,
		"ftp://host":                                                               false,
		"http://":                                                                  false,
		"host/a b":                                                                 false,
		"host\t":                                                                   false,
		"hé.st":                                                                    false,
	} {
		if got := validImageURL(u); got != want {
			t.Errorf("validImageURL(%q) = %v", u, got)
		}
	}
	// Licence URLs: Django's URLValidator, as the real backend answered
	// (internal/conformance/corpus/08-lookup-writes.cases).
	for u, want := range map[string]bool{
		"https://opensource.org/licenses/MIT":         true,
		"ftp://example.com":                           true,
		"ftps://example.com/x":                        true,
		"HTTPS://EXAMPLE.COM/X":                       true,
		"http://localhost:8080/x":                     true,
		"http://127.0.0.1/x":                          true,
		"http://[::1]:80/x":                           true,
		"http://[::ffff:1.2.3.4]/":                    true,
		"http://example.com:99999/":                   true,
		"http://example.com:0":                        true,
		"http://user:pw@example.com/":                 true,
		"http://u@[1::2::3]/":                         false,
		"http://éxample.com/ü":                        true,
		"https://example.com./":                       true,
		"https://example.xn--p1ai/":                   true,
		"https://example.com?a=1#f":                   true,
		"http://1.2.3.4.com/":                         true,
		"opensource.org/licenses/MIT":                 false,
		"mailto://x":                                  false,
		"mailto:a@example.com":                        false,
		"file:///etc/hosts":                           false,
		"git://example.com/x":                         false,
		"//example.com/x":                             false,
		"http:example.com":                            false,
		"https://":                                    false,
		"http://example/":                             false,
		"http://a.b.c.d.e/":                           false,
		"http://exa_mple.com/":                        false,
		"http://-x.example.com/":                      false,
		"http://x-.example.com/":                      false,
		"http://example.com-/":                        false,
		"http://example.com/a b":                      false,
		"http://example.com/a\u00a0b":                 false,
		"http://256.1.1.1/":                           false,
		"http://[1::2::3]/":                           false,
		"http://[1.2.3.4]/":                           false,
		"http://example.com:123456/":                  false,
		"http://example.com:8o/":                      false,
		"http://" + strings.Repeat("a", 64) + ".com/": false,
		"http://" + strings.Repeat(strings.Repeat("a", 63)+".", 4) + "com/": false, // a host of 259 characters
		"http://" + strings.Repeat(strings.Repeat("a", 61)+".", 4) + "com/": true,  // 251
	} {
		if got := validAbsoluteURL(u); got != want {
			t.Errorf("validAbsoluteURL(%q) = %v", u, got)
		}
	}
}
