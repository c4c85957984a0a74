package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// lookupKind is one lookup table as users meet it in messages: its name and how its valid
// values are written.
type lookupKind struct {
	table    client.Table
	noun     string
	choices  func(*client.Lookups) []string
	readOnly bool   // users cannot add rows (domains): no "add it on the server" advice
	hint     string // a sentence after the choices
}

var (
	cudaKind = lookupKind{table: client.TableCUDAVersions, noun: "CUDA version", choices: (*client.Lookups).CUDAVersionStrings}
	// NOTE: a framework is written by pk in ufdl_dockerimage, by name and version in
	// ufdl_framework; "12 (yolo v7)" serves both.
	frameworkKind = lookupKind{table: client.TableFrameworks, noun: "framework", choices: (*client.Lookups).FrameworkChoices,
		hint: "The ufdl_framework data source finds a framework's pk by name and version."}
	domainKind   = lookupKind{table: client.TableDomains, noun: "domain", choices: domainChoices, readOnly: true}
	hardwareKind = lookupKind{table: client.TableHardwareGenerations, noun: "hardware generation", choices: (*client.Lookups).HardwareGenerationNames}
	licenceKind  = lookupKind{table: client.TableLicences, noun: "licence", choices: func(lk *client.Lookups) []string { return quoteAll(lk.LicenceNames()) }}
	taskKind     = lookupKind{table: client.TableJobContracts, noun: "job contract", choices: (*client.Lookups).JobContractNames}
)

// domainChoices lists the domain codes with their descriptions: "od (Object Detection)".
func domainChoices(lk *client.Lookups) []string {
	out := make([]string, 0, len(lk.Domains))
	for _, code := range lk.DomainCodes() {
		d, _ := lk.DomainByCode(code)
		out = append(out, fmt.Sprintf("%s (%s)", code, d.Description))
	}
	return out
}

// unknownLookup is the one diagnostic for a value that a lookup table does not hold, wherever
// it is written. what is the value as the user wrote it: `"12.9"`, `999`, or
// `named "yolo" with version "v9"`.
func unknownLookup(p path.Path, k lookupKind, what string, lk *client.Lookups) diag.Diagnostic {
	tail := "; or add it on the server first."
	if k.readOnly {
		tail = "."
	}
	detail := fmt.Sprintf("The server has no %s %s. Use %s%s", k.noun, what, oneOf(k.choices(lk)), tail)
	if k.hint != "" {
		detail += " " + k.hint
	}
	return diag.NewAttributeErrorDiagnostic(p, "Unknown "+titleCase(k.noun), detail)
}

// lookupCheck is one configured value to find in a lookup table.
type lookupCheck struct {
	path  path.Path
	kind  lookupKind
	what  string // the value as written, for the message
	found func(*client.Lookups) bool
}

func checkString(p path.Path, k lookupKind, v string, find func(*client.Lookups, string) bool) lookupCheck {
	return lookupCheck{path: p, kind: k, what: strconv.Quote(v), found: func(lk *client.Lookups) bool { return find(lk, v) }}
}

func checkFramework(p path.Path, pk int64) lookupCheck {
	return lookupCheck{path: p, kind: frameworkKind, what: strconv.FormatInt(pk, 10), found: func(lk *client.Lookups) bool {
		_, ok := lk.FrameworkByPK(pk)
		return ok
	}}
}

// namedVersion is how messages name a framework or image by name and version.
func namedVersion(name, version string) string {
	return fmt.Sprintf("named %q with version %q", name, version)
}

func hasCUDA(lk *client.Lookups, v string) bool     { _, ok := lk.CUDAByVersion(v); return ok }
func hasDomain(lk *client.Lookups, v string) bool   { _, ok := lk.DomainByCode(v); return ok }
func hasHardware(lk *client.Lookups, v string) bool { _, ok := lk.HardwareByGeneration(v); return ok }
func hasLicence(lk *client.Lookups, v string) bool  { _, ok := lk.LicenceByName(v); return ok }
func hasTask(lk *client.Lookups, v string) bool     { _, ok := lk.JobContractByName(v); return ok }

// checkLookups finds every value in its table, listing only the tables concerned (reloaded
// once per process when a value is missing), and reports each value the server lacks.
func (d *providerData) checkLookups(ctx context.Context, checks []lookupCheck) diag.Diagnostics {
	if len(checks) == 0 {
		return nil
	}
	_, diags := d.lookUp(ctx, checks...)
	return diags
}

// lookUp is checkLookups for callers that go on to read the rows they checked: it also
// returns the tables it found them in.
func (d *providerData) lookUp(ctx context.Context, checks ...lookupCheck) (*client.Lookups, diag.Diagnostics) {
	var diags diag.Diagnostics
	var tables []client.Table
	for _, c := range checks {
		if !slices.Contains(tables, c.kind.table) {
			tables = append(tables, c.kind.table)
		}
	}
	lk, err := d.client.LookupsWith(ctx, func(lk *client.Lookups) bool {
		return !slices.ContainsFunc(checks, func(c lookupCheck) bool { return !c.found(lk) })
	}, tables...)
	if err != nil {
		addImageAPIError(&diags, "load the server's lookup tables", nil, err)
		return nil, diags
	}
	for _, c := range checks {
		if !c.found(lk) {
			diags.Append(unknownLookup(c.path, c.kind, c.what, lk))
		}
	}
	return lk, diags
}
