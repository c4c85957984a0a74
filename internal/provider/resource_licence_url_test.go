// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/conformance"
)

// leftToServer are the recorded cases whose URL the real backend refuses and the provider's
// plan-time check lets through: rules of Django's URLValidator (top-level domains, host
// characters, IP addresses, port length) that the check does not copy, so that it never
// refuses a URL the server accepts. The server's 400 names the url at apply.
var leftToServer = []string{
	"writes.licences.url-bad-ipv4",
	"writes.licences.url-bad-ipv6",
	"writes.licences.url-dash-label",
	"writes.licences.url-no-tld",
	"writes.licences.url-short-tld",
	"writes.licences.url-six-digit-port",
	"writes.licences.url-underscore-host",
}

// TestLicenceURLProblemMatchesRecordings runs every licence URL of the conformance corpus,
// the real backend's recorded answers, through the provider's plan-time check: a URL the
// backend accepted must pass, and of those it refused, exactly leftToServer may pass.
func TestLicenceURLProblemMatchesRecordings(t *testing.T) {
	corpus, err := conformance.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	var accepted, refused, passed []string
	for _, c := range corpus.Cases() {
		if !strings.HasPrefix(c.Path, "/v1/licences") || c.Body == nil || c.Real == nil {
			continue
		}
		var body map[string]any
		if json.Unmarshal([]byte(expandCorpusText(c.Body)), &body) != nil {
			continue
		}
		url, ok := body["url"].(string)
		if !ok {
			continue // absent, null or a number: no URL for the check
		}
		var view map[string]json.RawMessage
		_ = json.Unmarshal(c.Real.View, &view)
		var urlErrors []string
		_ = json.Unmarshal(view["url"], &urlErrors)
		problem := licenceURLProblem(strings.TrimSpace(url)) // the validator sees it trimmed; padding has a rule of its own
		switch {
		case c.Real.Status >= 400 && c.Real.Status < 500 && slices.Contains(urlErrors, "Enter a valid URL."):
			refused = append(refused, c.ID)
			if problem == "" {
				passed = append(passed, c.ID)
			}
		case len(urlErrors) > 0:
			// Blank or too long: other validators' rules, not this check's.
		default:
			accepted = append(accepted, c.ID)
			if problem != "" {
				t.Errorf("%s: the real backend accepts url %q, the provider refuses it: %s", c.ID, url, problem)
			}
		}
	}
	if len(accepted) < 15 || len(refused) < 15 {
		t.Fatalf("the corpus holds %d accepted and %d refused licence URLs; expected the writes.licences.url-* cases", len(accepted), len(refused))
	}
	slices.Sort(passed)
	if !slices.Equal(passed, leftToServer) {
		t.Errorf("URLs the real backend refuses that pass the plan-time check:\n  %q\nwant\n  %q", passed, leftToServer)
	}
}

var corpusPlaceholder = regexp.MustCompile(`\{\{(tag|repeat:(\d+):([^}]*)|pk:[^}]*)\}\}`)

// expandCorpusText fills a case body's placeholders as a run would: a fixed tag, repeated text,
// and a pk.
func expandCorpusText(body *string) string {
	return corpusPlaceholder.ReplaceAllStringFunc(*body, func(p string) string {
		m := corpusPlaceholder.FindStringSubmatch(p)
		switch {
		case m[1] == "tag":
			return "cf00000000"
		case m[2] != "":
			n, _ := strconv.Atoi(m[2])
			return strings.Repeat(m[3], n)
		}
		return "1"
	})
}
