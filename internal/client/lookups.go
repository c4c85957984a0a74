// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/pydecimal"
)

// CUDAVersion is a row of /v1/cuda.
type CUDAVersion struct {
	PK               int64  `json:"pk"`
	Version          string `json:"version"`      // "11.1"
	FullVersion      string `json:"full_version"` // "11.1.1"
	MinDriverVersion string `json:"min_driver_version"`
}

// Framework is a row of /v1/frameworks.
type Framework struct {
	PK      int64  `json:"pk"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HardwareGeneration is a row of /v1/hardware.
type HardwareGeneration struct {
	PK                   int64   `json:"pk"`
	Generation           string  `json:"generation"`
	MinComputeCapability float64 `json:"min_compute_capability"` // inclusive
	MaxComputeCapability float64 `json:"max_compute_capability"` // exclusive
}

// Domain is a row of /v1/domains.
type Domain struct {
	PK          int64  `json:"pk"`
	Name        string `json:"name"`        // 2-letter code, "od"
	Description string `json:"description"` // "Object Detection"
}

// Licence is a row of /v1/licences.
type Licence struct {
	PK          int64    `json:"pk"`
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Domains     []string `json:"domains"`
	Permissions []string `json:"permissions"`
	Limitations []string `json:"limitations"`
	Conditions  []string `json:"conditions"`
}

// JobContract is a row of /v1/job-contracts.
type JobContract struct {
	PK   int64  `json:"pk"`
	Name string `json:"name"`
	Pkg  string `json:"pkg"`
	Cls  string `json:"cls"`
}

// Lookups holds lookup tables an image refers to, as the Client last read them. A
// *Lookups returned by the Client is shared: treat it as read-only. Tables that were not
// asked for are nil.
type Lookups struct {
	Domains             []Domain
	CUDAVersions        []CUDAVersion
	HardwareGenerations []HardwareGeneration
	Licences            []Licence
	JobContracts        []JobContract
	Frameworks          []Framework
}

// Table names one lookup table.
type Table int

// The lookup tables.
const (
	TableDomains Table = iota
	TableCUDAVersions
	TableHardwareGenerations
	TableLicences
	TableJobContracts
	TableFrameworks
	tableCount
)

// AllTables names every lookup table.
var AllTables = []Table{TableDomains, TableCUDAVersions, TableHardwareGenerations, TableLicences, TableJobContracts, TableFrameworks}

// tableCache holds one table for the Client's life. Concurrent first readers share one
// list call; a failed load is not kept. reloaded records the one reload a miss may cause.
type tableCache struct {
	mu       sync.Mutex
	rows     any // the table's slice, e.g. []Domain; nil until loaded
	flight   *tableFlight
	reloaded bool
}

type tableFlight struct {
	done chan struct{}
	rows any
	err  error
}

// Lookups returns the named tables (every table when none is named), listing each from the
// server the first time it is asked for and keeping it for the Client's life: a process that
// needs only the domains (to map the images it reads) lists only the domains.
func (c *Client) Lookups(ctx context.Context, tables ...Table) (*Lookups, error) {
	return c.lookups(ctx, tables, false)
}

// LookupsWith returns the named tables for which found reports true. When found is false
// for the cached copy, the named tables are listed again, each at most once per Client: a
// value added on the server since is then found, while a value that is simply wrong costs
// one reload per process, not one per caller. The caller reports the miss when found is
// still false for the tables returned.
func (c *Client) LookupsWith(ctx context.Context, found func(*Lookups) bool, tables ...Table) (*Lookups, error) {
	lk, err := c.lookups(ctx, tables, false)
	if err != nil || found(lk) {
		return lk, err
	}
	return c.lookups(ctx, tables, true)
}

func (c *Client) lookups(ctx context.Context, tables []Table, reload bool) (*Lookups, error) {
	if len(tables) == 0 {
		tables = AllTables
	}
	lk := &Lookups{}
	rows := make([]any, len(tables))
	errs := make([]error, len(tables))
	var wg sync.WaitGroup
	for i, t := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows[i], errs[i] = c.table(ctx, t, reload)
		}()
	}
	wg.Wait()
	for i, t := range tables {
		if errs[i] != nil {
			return nil, errs[i]
		}
		tableDefs[t].put(lk, rows[i])
	}
	return lk, nil
}

// table returns one table, loading it when it is not cached, or, with reload, when it has
// not been reloaded yet.
func (c *Client) table(ctx context.Context, t Table, reload bool) (any, error) {
	tc := &c.tables[t]
	for tries := 0; ; tries++ {
		tc.mu.Lock()
		if tc.rows != nil && (!reload || tc.reloaded) {
			rows := tc.rows
			tc.mu.Unlock()
			return rows, nil
		}
		f := tc.flight
		if f == nil {
			f = &tableFlight{done: make(chan struct{})}
			tc.flight = f
			if reload && tc.rows != nil {
				tc.reloaded = true
			}
			tc.mu.Unlock()
			f.rows, f.err = c.listTable(ctx, t)
			tc.mu.Lock()
			if f.err == nil {
				tc.rows = f.rows
			}
			tc.flight = nil
			tc.mu.Unlock()
			close(f.done)
		} else {
			tc.mu.Unlock()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("loading the UFDL lookup tables: %w", ctx.Err())
		}
		if f.err == nil {
			return f.rows, nil
		}
		// The goroutine that led the load was cancelled, not this one: try again.
		var ce *canceledError
		if errors.As(f.err, &ce) && ctx.Err() == nil && tries < 3 {
			continue
		}
		return nil, f.err
	}
}

// tableDef ties a Table to its list call and to its field of Lookups, so that loading and
// handing out a table is written once for all of them.
type tableDef struct {
	list func(context.Context, *Client) (any, error)
	put  func(*Lookups, any)
}

func defTable[T any](list func(*Client, context.Context, *Filter) ([]T, error), field func(*Lookups) *[]T) tableDef {
	return tableDef{
		list: func(ctx context.Context, c *Client) (any, error) {
			rows, err := list(c, ctx, nil)
			if rows == nil {
				// An empty table is kept as an empty slice: the cache tells "loaded" from "not loaded" by nil.
				rows = []T{}
			}
			return rows, err
		},
		put: func(lk *Lookups, rows any) { *field(lk), _ = rows.([]T) },
	}
}

var tableDefs = [tableCount]tableDef{
	TableDomains:             defTable((*Client).ListDomains, func(lk *Lookups) *[]Domain { return &lk.Domains }),
	TableCUDAVersions:        defTable((*Client).ListCUDAVersions, func(lk *Lookups) *[]CUDAVersion { return &lk.CUDAVersions }),
	TableHardwareGenerations: defTable((*Client).ListHardwareGenerations, func(lk *Lookups) *[]HardwareGeneration { return &lk.HardwareGenerations }),
	TableLicences:            defTable((*Client).ListLicences, func(lk *Lookups) *[]Licence { return &lk.Licences }),
	TableJobContracts:        defTable((*Client).ListJobContracts, func(lk *Lookups) *[]JobContract { return &lk.JobContracts }),
	TableFrameworks:          defTable((*Client).ListFrameworks, func(lk *Lookups) *[]Framework { return &lk.Frameworks }),
}

// listTable lists table t from the server.
func (c *Client) listTable(ctx context.Context, t Table) (any, error) {
	if t < 0 || t >= tableCount {
		return nil, fmt.Errorf("lookup table %d does not exist", t)
	}
	return tableDefs[t].list(ctx, c)
}

// listLookup lists one table and checks every row has the required keys, a pk and a
// non-empty key field (the field that names a row); row gives a row's pk and key field.
func listLookup[T any](ctx context.Context, c *Client, path, want string, required []string, keyField string, row func(*T) (pk int64, key string), f *Filter) ([]T, error) {
	req, err := listRequest(path, f)
	if err != nil {
		return nil, err
	}
	check := func(r *T) string {
		pk, key := row(r)
		if pk <= 0 {
			return fmt.Sprintf("field \"pk\" is %d, not a primary key", pk)
		}
		if key == "" {
			return fmt.Sprintf("field %q is empty", keyField)
		}
		return ""
	}
	var out []T
	err = c.call(ctx, req, want, func(b []byte) string {
		var reason string
		out, reason = decodeList(b, shape{required: required}, check)
		return reason
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListDomains lists /v1/domains (nil filter: all).
func (c *Client) ListDomains(ctx context.Context, f *Filter) ([]Domain, error) {
	return listLookup(ctx, c, "/v1/domains/list", "a list of domains", []string{"pk", "name", "description"}, "name",
		func(d *Domain) (int64, string) { return d.PK, d.Name }, f)
}

// ListCUDAVersions lists /v1/cuda (nil filter: all).
func (c *Client) ListCUDAVersions(ctx context.Context, f *Filter) ([]CUDAVersion, error) {
	return listLookup(ctx, c, "/v1/cuda/list", "a list of CUDA versions", []string{"pk", "version"}, "version",
		func(v *CUDAVersion) (int64, string) { return v.PK, v.Version }, f)
}

// ListHardwareGenerations lists /v1/hardware (nil filter: all).
func (c *Client) ListHardwareGenerations(ctx context.Context, f *Filter) ([]HardwareGeneration, error) {
	return listLookup(ctx, c, "/v1/hardware/list", "a list of hardware generations", []string{"pk", "generation"}, "generation",
		func(h *HardwareGeneration) (int64, string) { return h.PK, h.Generation }, f)
}

// ListLicences lists /v1/licences (nil filter: all).
func (c *Client) ListLicences(ctx context.Context, f *Filter) ([]Licence, error) {
	return listLookup(ctx, c, "/v1/licences/list", "a list of licences", []string{"pk", "name"}, "name",
		func(l *Licence) (int64, string) { return l.PK, l.Name }, f)
}

// ListJobContracts lists /v1/job-contracts (nil filter: all).
func (c *Client) ListJobContracts(ctx context.Context, f *Filter) ([]JobContract, error) {
	return listLookup(ctx, c, "/v1/job-contracts/list", "a list of job contracts", []string{"pk", "name"}, "name",
		func(j *JobContract) (int64, string) { return j.PK, j.Name }, f)
}

// ListFrameworks lists /v1/frameworks (nil filter: all).
func (c *Client) ListFrameworks(ctx context.Context, f *Filter) ([]Framework, error) {
	return listLookup(ctx, c, "/v1/frameworks/list", "a list of frameworks", []string{"pk", "name", "version"}, "name",
		func(fw *Framework) (int64, string) { return fw.PK, fw.Name }, f)
}

// DomainByCode finds a domain by its 2-letter code ("od").
func (l *Lookups) DomainByCode(code string) (Domain, bool) {
	return firstRow(l.Domains, func(d Domain) bool { return d.Name == code })
}

// DomainByDescription finds a domain by the description images are returned with.
func (l *Lookups) DomainByDescription(desc string) (Domain, bool) {
	return firstRow(l.Domains, func(d Domain) bool { return d.Description == desc })
}

// CUDAByVersion finds a CUDA version by its version string ("11.1"), compared as the server
// compares them: as decimals ("11.10" is "11.1").
func (l *Lookups) CUDAByVersion(version string) (CUDAVersion, bool) {
	key := CUDAVersionKey(version)
	return firstRow(l.CUDAVersions, func(v CUDAVersion) bool { return CUDAVersionKey(v.Version) == key })
}

// CUDAVersionProblem says why the server would refuse to store version as a CUDA version
// (its column is a decimal of at most 4 digits, 1 decimal place and so 3 before the
// point), in the server's words; "" when it would store it. The digits are counted as
// written: "11.10" has two decimal places, although it names the row "11.1".
func CUDAVersionProblem(version string) string {
	d, ok := pydecimal.Parse(version)
	if !ok {
		return "A valid number is required."
	}
	return d.Precision(4, 1)
}

// CUDAVersionKey is a CUDA version as the server compares them: as decimals, so that
// "11.10", "011.1" and "11.1" are all "11.1", and "11" is "11.0". A version that is no
// decimal is returned as it is.
func CUDAVersionKey(version string) string {
	d, ok := pydecimal.Parse(version)
	if !ok {
		return version
	}
	return d.Canonical()
}

// FrameworkByPK finds a framework by primary key.
func (l *Lookups) FrameworkByPK(pk int64) (Framework, bool) {
	return firstRow(l.Frameworks, func(f Framework) bool { return f.PK == pk })
}

// FrameworkByNameVersion finds a framework by name and version ("yolo", "v7").
func (l *Lookups) FrameworkByNameVersion(name, version string) (Framework, bool) {
	return firstRow(l.Frameworks, func(f Framework) bool { return f.Name == name && f.Version == version })
}

// HardwareByGeneration finds a hardware generation by name ("Pascal").
func (l *Lookups) HardwareByGeneration(generation string) (HardwareGeneration, bool) {
	return firstRow(l.HardwareGenerations, func(h HardwareGeneration) bool { return h.Generation == generation })
}

// LicenceByName finds a licence by name ("GPL3").
func (l *Lookups) LicenceByName(name string) (Licence, bool) {
	return firstRow(l.Licences, func(x Licence) bool { return x.Name == name })
}

// JobContractByName finds a job contract by name ("Train").
func (l *Lookups) JobContractByName(name string) (JobContract, bool) {
	return firstRow(l.JobContracts, func(j JobContract) bool { return j.Name == name })
}

// firstRow returns the first of rows that match accepts.
func firstRow[T any](rows []T, match func(T) bool) (T, bool) {
	if i := slices.IndexFunc(rows, match); i >= 0 {
		return rows[i], true
	}
	var zero T
	return zero, false
}

// DomainCodes lists the domain codes, sorted: "ic, is, od, sc, sp".
func (l *Lookups) DomainCodes() []string {
	out := column(l.Domains, func(d Domain) string { return d.Name })
	slices.Sort(out)
	return out
}

// CUDAVersionStrings lists the CUDA version strings in numeric order (9.0 before 10.0).
func (l *Lookups) CUDAVersionStrings() []string {
	out := column(l.CUDAVersions, func(v CUDAVersion) string { return v.Version })
	sort.Slice(out, func(i, j int) bool { return versionLess(out[i], out[j]) })
	return out
}

// HardwareGenerationNames lists the generations from oldest to newest (by
// minimum compute capability), the order people know them in.
func (l *Lookups) HardwareGenerationNames() []string {
	hw := slices.Clone(l.HardwareGenerations)
	sort.SliceStable(hw, func(i, j int) bool {
		if hw[i].MinComputeCapability != hw[j].MinComputeCapability {
			return hw[i].MinComputeCapability < hw[j].MinComputeCapability
		}
		return hw[i].Generation < hw[j].Generation
	})
	return column(hw, func(h HardwareGeneration) string { return h.Generation })
}

// LicenceNames lists the licence names, sorted ignoring case.
func (l *Lookups) LicenceNames() []string {
	out := column(l.Licences, func(x Licence) string { return x.Name })
	sortFold(out)
	return out
}

// JobContractNames lists the job-contract names, sorted ignoring case.
func (l *Lookups) JobContractNames() []string {
	out := column(l.JobContracts, func(j JobContract) string { return j.Name })
	sortFold(out)
	return out
}

// FrameworkPKs lists the framework primary keys in ascending order.
func (l *Lookups) FrameworkPKs() []int64 {
	out := column(l.Frameworks, func(f Framework) int64 { return f.PK })
	slices.Sort(out)
	return out
}

// FrameworkChoices lists the frameworks as "17 (yolo v7)", by pk.
func (l *Lookups) FrameworkChoices() []string {
	fw := slices.Clone(l.Frameworks)
	sort.Slice(fw, func(i, j int) bool { return fw[i].PK < fw[j].PK })
	return column(fw, func(f Framework) string { return fmt.Sprintf("%d (%s %s)", f.PK, f.Name, f.Version) })
}

// column lists one field of every row, in the rows' order; never nil, so that an empty
// table gives an empty list.
func column[T, V any](rows []T, field func(T) V) []V {
	out := make([]V, 0, len(rows))
	for _, r := range rows {
		out = append(out, field(r))
	}
	return out
}

func sortFold(list []string) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := strings.ToLower(list[i]), strings.ToLower(list[j])
		if a != b {
			return a < b
		}
		return list[i] < list[j]
	})
}

// versionLess orders dotted versions numerically part by part; parts that are
// not numbers compare as text.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		switch {
		case errA == nil && errB == nil && na != nb:
			return na < nb
		case (errA != nil || errB != nil) && pa[i] != pb[i]:
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
