package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The lists of a licence (domains, permissions, limitations, conditions) have tests of their
// own; these are about its URL.

// TestAccLicence_urls: a URL without an http, https, ftp or ftps scheme, or without a host,
// fails at plan; one that passes that check and that the server still refuses fails the apply
// at url, in the server's words, and creates nothing.
func TestAccLicence_urls(t *testing.T) {
	srv := acctest.NewServer(t)
	row, _ := licenceKind.newRow(t, srv)
	url := func(u string, plan bool, want ...string) resource.TestStep {
		return resource.TestStep{Config: licenceKind.config(srv, row.with(fields{"url": u})), PlanOnly: plan, ExpectError: errorText(want...)}
	}
	planFails := func(u string) resource.TestStep {
		return url(u, true, "Invalid Licence URL", `url = "`+u+`" is not a URL the server accepts: write it with its scheme and host`)
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			planFails("example.com/LICENSE"),
			planFails("mailto:legal@example.com"),
			planFails("file:///usr/share/common-licenses/MIT"),
			planFails("https:///LICENSE"),
			url("http://example/LICENSE", false, "Invalid Licence URL", "Could not create the licence: the server rejected url: Enter a valid URL."),
		},
	})
	if got := licenceKind.writes(srv); len(got) != 1 || got[0].call != "POST create" {
		t.Errorf("the refused licences wrote %v, want the one create the server refused", got)
	}
	if rows, err := srv.RowsWhere(licenceKind.path, "name", row["name"].(string)); err != nil || len(rows) != 0 {
		t.Errorf("the server holds %v (%v), want no licence", rows, err)
	}
}
