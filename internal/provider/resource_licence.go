// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// licenceDomains are the licence domains the API documents: what a licence covers. They are
// not the data domains of images (od, ic, ...).
var licenceDomains = []string{"Software", "Models", "Data"}

type licenceResourceModel struct {
	rowIDs
	Name        types.String `tfsdk:"name"`
	URL         types.String `tfsdk:"url"`
	Domains     types.Set    `tfsdk:"domains"`
	Permissions types.Set    `tfsdk:"permissions"`
	Limitations types.Set    `tfsdk:"limitations"`
	Conditions  types.Set    `tfsdk:"conditions"`
}

// list is the model's set of kind.
func (m *licenceResourceModel) list(kind client.Subdescriptors) *types.Set {
	switch kind {
	case client.SubPermissions:
		return &m.Permissions
	case client.SubLimitations:
		return &m.Limitations
	case client.SubConditions:
		return &m.Conditions
	}
	return &m.Domains
}

// NewLicenceResource returns the ufdl_licence resource.
func NewLicenceResource() resource.Resource { return newCatalogResource(licenceSpec()) }

// licenceSpec sets ufdl_licence apart from the other catalog resources; its list resource shares it.
func licenceSpec() catalogSpec[licenceResourceModel, client.Licence] {
	names := func(description string) schema.SetAttribute {
		return schema.SetAttribute{
			MarkdownDescription: description + fmt.Sprintf(" A set of names of at most %d characters; defaults to none. ", client.MaxSubdescriptor) +
				"The server keeps one list of names per kind for all licences, and adds a name it has not seen. " +
				"Names are exact: the server tells `Data` from `data`, and keeps surrounding spaces.",
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
			// NOTE: unlike the licence's own text fields, names are stored as sent, not trimmed:
			// a padded name reads back the same, so nothing here refuses one.
			Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.UTF8LengthBetween(1, client.MaxSubdescriptor))},
		}
	}
	return catalogSpec[licenceResourceModel, client.Licence]{
		typeName: "_licence", kind: licenceKind,
		description: "A licence of the UFDL catalog, with what it covers, permits, limits and requires. Images name it with `licence`: " +
			"write `licence = ufdl_licence.x.name`, so that Terraform creates it before the images and destroys it after them. " +
			"The server ignores a licence's lists when it is created or changed, and writes them one kind at a time: a create or update " +
			"makes one more call for each kind that changes and each of add and remove, and when one of them fails the state holds the lists the server has.",
		attributes: map[string]schema.Attribute{
			"name": textAttribute("Licence name as images use it, e.g. `Apache 2.0`. Unique on the server.", client.MaxLicenceName),
			"url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Where the licence's text is: an %s URL, e.g. `https://opensource.org/licenses/MIT`. At most %d characters.", docChoices(licenceSchemes), client.MaxLicenceURL),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, client.MaxLicenceURL), noSurroundingSpace(), licenceURL()},
			},
			"domains": names("What the licence covers, e.g. `[\"Software\", \"Models\"]`: the licence domains " + docChoices(licenceDomains) +
				", not the data domains of images (`od`, `ic`, ...)."),
			"permissions": names("What the licence permits, e.g. `[\"Commercial use\", \"Modification\"]`."),
			"limitations": names("What the licence rules out, e.g. `[\"Liability\", \"Warranty\"]`."),
			"conditions":  names("What the licence requires, e.g. `[\"License and copyright notice\"]`."),
		},
		uniqueAttrs: []string{"name"},
		keyAttrs:    []string{"name"},
		keys:        func(m *licenceResourceModel) ([]string, bool) { return []string{m.Name.ValueString()}, known(m.Name) },
		rowKeys:     func(r client.Licence) []string { return []string{r.Name} },
		importKey:   func(p []string) client.Fields { return client.Fields{client.FieldName: p[0]} },
		fields: func(m *licenceResourceModel) client.Fields {
			return client.Fields{client.FieldName: m.Name.ValueString(), client.FieldLicenceURL: m.URL.ValueString()}
		},
		fill: func(m *licenceResourceModel, r client.Licence) {
			m.Name, m.URL = types.StringValue(r.Name), types.StringValue(r.URL)
			for _, kind := range client.AllSubdescriptors {
				*m.list(kind) = stringSet(r.Of(kind))
			}
		},
		planned: func(m *licenceResourceModel) client.Licence {
			return client.Licence{PK: m.PK.ValueInt64(), Name: m.Name.ValueString(), URL: m.URL.ValueString()}
		},
		check: checkLicenceDomains,
		lists: writeLicenceLists,
	}
}

// writeLicenceLists makes the server's lists of the licence those of plan: for each kind,
// the names to remove and then the names to add, from what the server holds (row, its last
// answer). It returns the licence as the server holds it, also on error (as far as the
// client knows it: a call that failed without an answer is read back), so that a failure
// halfway leaves state holding what the server holds.
func writeLicenceLists(ctx context.Context, c *client.Client, plan, state *licenceResourceModel, row client.Licence) (client.Licence, error) {
	for _, kind := range client.AllSubdescriptors {
		want := setStrings(*plan.list(kind))
		have := row.Of(kind)
		for _, add := range []bool{false, true} {
			var names []string
			if add {
				names = without(want, have)
			} else {
				names = without(have, want)
			}
			if len(names) == 0 {
				continue
			}
			lic, err := c.ChangeSubdescriptors(ctx, row.PK, kind, add, names)
			if lic != nil {
				row = *lic
			}
			if err != nil {
				return row, listsError(kind, add, names, row.PK, state.PK.IsNull(), err)
			}
		}
	}
	return row, nil
}

// listsError says which call of a licence's lists failed, and what the state then holds.
// NOTE: it keeps err's text, not err itself (%v): the diagnostics of a bare API or connection
// error say that nothing changed, and here the licence was written.
func listsError(kind client.Subdescriptors, add bool, names []string, pk int64, creating bool, err error) error {
	verb := "remove from"
	if add {
		verb = "add to"
	}
	after := "The state holds the lists as the server last answered them: run terraform apply again to write the rest."
	if creating {
		after = fmt.Sprintf("The licence was created (pk %d), and the state holds it with the lists as the server last answered them. "+
			"Terraform marks it tainted: the next apply replaces it (or run terraform untaint, and the next apply writes the rest of its lists).", pk)
	}
	return fmt.Errorf("the server did not %s its %s %q: %s. %s", verb, kind, names, briefError(err), after)
}

// without lists the names of a that b lacks, sorted: a call's names read the same in every
// run and log.
func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// checkLicenceDomains warns about a licence domain the API does not document: it is often a
// data domain of images written in the wrong place.
func checkLicenceDomains(m *licenceResourceModel, _ []client.Licence) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, d := range setStrings(m.Domains) {
		if !slices.Contains(licenceDomains, d) {
			diags.AddAttributeWarning(path.Root("domains"), "Unusual Licence Domain",
				fmt.Sprintf("domains holds %q, which is none of the licence domains the API documents (%s); the server adds it as a new one. "+
					"A licence's domains say what it covers, not which data domain (od, ic, ...) an image works in.", d, strings.Join(licenceDomains, ", ")))
		}
	}
	return diags
}

// licenceSchemes are the URL schemes the server's URL check accepts, in any case.
var licenceSchemes = []string{"http", "https", "ftp", "ftps"}

// licenceURL refuses what the server's URL check (Django's URLValidator) is sure to refuse:
// no "scheme://", a scheme other than licenceSchemes, no host, or white space. It stays on
// the safe side of that check and never refuses a URL the server accepts; the rest of the
// server's rules (a known top-level domain, a valid IP address, a port of at most 5 digits)
// are left to it.
func licenceURL() validator.String {
	return stringRule{"value must be an " + joinOr(licenceSchemes) + " URL with a host", func(p path.Path, s string) (string, string) {
		if problem := licenceURLProblem(strings.TrimSpace(s)); problem != "" {
			return "Invalid Licence URL", fmt.Sprintf("%s = %q is not a URL the server accepts: %s. Write it with its scheme and host, e.g. \"https://opensource.org/licenses/MIT\".", p, s, problem)
		}
		return "", ""
	}}
}

// licenceURLProblem says why the server is sure to refuse url, or "".
func licenceURLProblem(url string) string {
	if i := strings.IndexAny(url, " \t\n\v\f\r"); i >= 0 {
		return "it holds white space"
	}
	scheme, rest, ok := strings.Cut(url, "://")
	switch {
	case !ok:
		return "it does not begin with a scheme and \"://\""
	case !slices.Contains(licenceSchemes, strings.ToLower(scheme)):
		return fmt.Sprintf("the scheme %q is none of %s", scheme, joinOr(licenceSchemes))
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if !strings.HasPrefix(host, "[") {
		host, _, _ = strings.Cut(host, ":")
	}
	if host == "" {
		return "it names no host"
	}
	return ""
}
