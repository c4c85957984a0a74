// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// lookupKind is one lookup table as users meet it in messages: its name and how its valid
// values are written. Its noun also names the table in the plan book's claims.
type lookupKind struct {
	table    client.Table
	noun     string
	choices  func(*client.Lookups) []string
	readOnly bool   // users cannot add rows (domains): no "add it" advice
	quoted   bool   // choices are shown quoted (names with spaces), the planned ones too
	hint     string // a sentence after the choices
}

var (
	cudaKind = lookupKind{table: client.TableCUDAVersions, noun: "CUDA version", choices: (*client.Lookups).CUDAVersionStrings}
	// frameworkKind is the framework written by pk; frameworkNamedKind by name and version.
	frameworkKind = lookupKind{table: client.TableFrameworks, noun: "framework", choices: (*client.Lookups).FrameworkChoices,
		hint: "The ufdl_framework data source finds a framework's pk by name and version."}
	frameworkNamedKind = lookupKind{table: client.TableFrameworks, noun: "framework", choices: frameworkNames}
	domainKind         = lookupKind{table: client.TableDomains, noun: "domain", choices: domainChoices, readOnly: true}
	hardwareKind       = lookupKind{table: client.TableHardwareGenerations, noun: "hardware generation", choices: (*client.Lookups).HardwareGenerationNames}
	licenceKind        = lookupKind{table: client.TableLicences, noun: "licence", choices: (*client.Lookups).LicenceNames, quoted: true}
	taskKind           = lookupKind{table: client.TableJobContracts, noun: "job contract", choices: (*client.Lookups).JobContractNames}
)

// frameworkNames lists the frameworks as written by name and version: "yolo v7".
func frameworkNames(lk *client.Lookups) []string {
	out := make([]string, 0, len(lk.Frameworks))
	for _, f := range lk.Frameworks {
		out = append(out, frameworkKey(f.Name, f.Version))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// frameworkKey is how a framework is named in messages and claimed in the plan book.
func frameworkKey(name, version string) string { return name + " " + version }

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
// `named "yolo" with version "v9"`; planned are the values this plan adds to the table.
func unknownLookup(p path.Path, k lookupKind, what string, lk *client.Lookups, planned []string) diag.Diagnostic {
	tail := "; or create it first: with its resource in this configuration (refer to that resource here), or on the server."
	if k.readOnly {
		tail = "."
	}
	choices := k.choices(lk)
	if k.quoted {
		choices = quoteAll(choices)
	}
	// The plan book also holds the keys of existing rows that the plan keeps: only those the
	// server lacks yet are "created by this plan".
	var created []string
	for _, p := range planned {
		if k.quoted {
			p = strconv.Quote(p)
		}
		if !slices.Contains(choices, p) && !slices.Contains(created, p) {
			created = append(created, p)
		}
	}
	if len(created) > 0 {
		slices.Sort(created)
		choices = append(choices, fmt.Sprintf("or, created by this plan, %s", strings.Join(created, ", ")))
	}
	detail := fmt.Sprintf("The server has no %s %s. Use %s%s", k.noun, what, oneOf(choices), tail)
	if k.hint != "" {
		detail += " " + k.hint
	}
	return diag.NewAttributeErrorDiagnostic(p, "Unknown "+titleCase(k.noun), detail)
}

// lookupCheck is one configured value to find in a lookup table, or among the rows the plan
// creates.
type lookupCheck struct {
	path  path.Path
	kind  lookupKind
	what  string // the value as written, for the message
	key   string // the value as the plan book knows it; "" for a pk, which no plan knows yet
	found func(*client.Lookups) bool
}

func checkString(p path.Path, k lookupKind, v string, find func(*client.Lookups, string) bool) lookupCheck {
	return lookupCheck{path: p, kind: k, what: strconv.Quote(v), key: v, found: func(lk *client.Lookups) bool { return find(lk, v) }}
}

// checkCUDA finds a CUDA version as the server compares them: as decimals ("11.10" is 11.1).
func checkCUDA(p path.Path, v string) lookupCheck {
	c := checkString(p, cudaKind, v, hasCUDA)
	c.key = client.CUDAVersionKey(v)
	return c
}

func checkFramework(p path.Path, pk int64) lookupCheck {
	return lookupCheck{path: p, kind: frameworkKind, what: strconv.FormatInt(pk, 10), found: func(lk *client.Lookups) bool {
		_, ok := lk.FrameworkByPK(pk)
		return ok
	}}
}

func checkFrameworkNamed(p path.Path, name, version string) lookupCheck {
	return lookupCheck{path: p, kind: frameworkNamedKind, what: namedVersion(name, version), key: frameworkKey(name, version),
		found: func(lk *client.Lookups) bool { _, ok := lk.FrameworkByNameVersion(name, version); return ok }}
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

// lookUp finds every value of checks in its table, or among the rows the plans of this
// process create (plan_book.go), and reports each value found in neither. It lists only
// the tables concerned, reloaded once per process when a value is missing from the server's,
// and returns them.
func (d *providerData) lookUp(ctx context.Context, checks ...lookupCheck) (*client.Lookups, diag.Diagnostics) {
	var diags diag.Diagnostics
	var tables []client.Table
	for _, c := range checks {
		if !slices.Contains(tables, c.kind.table) {
			tables = append(tables, c.kind.table)
		}
	}
	if len(tables) == 0 {
		return &client.Lookups{}, nil
	}
	planned := func(c lookupCheck) bool {
		_, ok := d.plans.planned(c.kind.noun, c.key)
		return c.key != "" && ok
	}
	lk, err := d.client.LookupsWith(ctx, func(lk *client.Lookups) bool {
		return !slices.ContainsFunc(checks, func(c lookupCheck) bool { return !c.found(lk) && !planned(c) })
	}, tables...)
	if err != nil {
		addImageAPIError(&diags, "load the server's lookup tables", nil, err)
		return nil, diags
	}
	for _, c := range checks {
		if !c.found(lk) && !planned(c) {
			diags.Append(unknownLookup(c.path, c.kind, c.what, lk, d.plans.plannedKeys(c.kind.noun)))
		}
	}
	return lk, diags
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strconv.Quote(v)
	}
	return out
}
