// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import "slices"

// The six lookup tables share one generic implementation: a table is a list
// of typed columns, a row stores its values in per-kind slots. Images point at
// rows (never copies), so a renamed framework shows in every image at once.

type colKind uint8

const (
	colText    colKind = iota // Django CharField
	colDecimal                // DecimalField(max_digits=4, decimal_places=1): the CUDA version
	colFloat                  // FloatField
	colURL                    // URLField (scheme required, unlike the image URL)
	colList                   // read-only list of names, changed through subdescriptors
)

type column struct {
	name   string
	kind   colKind
	maxLen int
	unique bool   // the serializer checks it: a field error
	dbName string // the database checks it (constraint name): see dbUnique
	slot   int    // index into lrow.s (text, URL, decimal text), lrow.f (float) or lrow.l (list)
	fslot  int    // decimal only: index into lrow.f of the numeric value
}

type lrow struct {
	pk int64
	s  []string
	f  []float64
	l  [][]string
}

type table struct {
	key          string // route segment: "cuda", "frameworks", ...
	route        string // "/v1/cuda"
	verbose      string // Django verbose name, used in its uniqueness messages
	label        string // capitalised name for our own messages
	imageRef     string // the image field that points here ("" for none)
	cols         []column
	together     []int  // columns unique together in the database (frameworks' name and version)
	togetherName string // that constraint's name
	readOnly     bool   // domains: no create, update or destroy

	nS, nF, nL int

	rows   []*lrow // ordered by pk
	byPK   map[int64]*lrow
	nextPK int64

	fields fieldSet[*lrow] // filter schema, built once
}

func newTable(key, verbose, label, imageRef string, cols []column) *table {
	t := &table{key: key, route: "/v1/" + key, verbose: verbose, label: label, imageRef: imageRef,
		byPK: map[int64]*lrow{}, nextPK: 1}
	for i := range cols {
		c := &cols[i]
		switch c.kind {
		case colText, colURL:
			c.slot = t.nS
			t.nS++
		case colDecimal:
			c.slot, c.fslot = t.nS, t.nF
			t.nS++
			t.nF++
		case colFloat:
			c.slot = t.nF
			t.nF++
		case colList:
			c.slot = t.nL
			t.nL++
		}
	}
	t.cols = cols
	t.fields = lookupFields(t)
	return t
}

// newTables builds the lookup tables with the backend's column sizes and
// uniqueness constraints.
func newTables() *tables {
	ts := &tables{
		cuda: newTable("cuda", "cuda version", "CUDA version", "cuda_version", []column{
			{name: "version", kind: colDecimal, unique: true},
			{name: "full_version", kind: colText, maxLen: 16, unique: true},
			{name: "min_driver_version", kind: colText, maxLen: 16},
		}),
		frameworks: newTable("frameworks", "framework", "Framework", "framework", []column{
			{name: "name", kind: colText, maxLen: 32},
			{name: "version", kind: colText, maxLen: 32},
		}),
		hardware: newTable("hardware", "hardware", "Hardware generation", "min_hardware_generation", []column{
			{name: "generation", kind: colText, maxLen: 32, dbName: "unique_generation_names"},
			{name: "min_compute_capability", kind: colFloat},
			{name: "max_compute_capability", kind: colFloat},
		}),
		licences: newTable("licences", "licence", "Licence", "licence", []column{
			{name: "name", kind: colText, maxLen: 100, dbName: "unique_licence_names"},
			{name: "url", kind: colURL, maxLen: 200},
			// Subdescriptors, in the order the backend's serializer lists them.
			{name: "permissions", kind: colList},
			{name: "conditions", kind: colList},
			{name: "limitations", kind: colList},
			{name: "domains", kind: colList},
		}),
		contracts: newTable("job-contracts", "job contract", "Job contract", "tasks", []column{
			{name: "name", kind: colText, maxLen: 64, unique: true},
			{name: "pkg", kind: colText, maxLen: 64},
			{name: "cls", kind: colText, maxLen: 256, unique: true},
		}),
		domains: newTable("domains", "data domain", "Domain", "domain", []column{
			{name: "name", kind: colText, maxLen: 2, unique: true},
			{name: "description", kind: colText, maxLen: 32},
		}),
	}
	ts.frameworks.together, ts.frameworks.togetherName = []int{0, 1}, "unique_frameworks"
	ts.domains.readOnly = true
	ts.all = []*table{ts.cuda, ts.frameworks, ts.hardware, ts.licences, ts.contracts, ts.domains}
	return ts
}

type tables struct {
	cuda, frameworks, hardware, licences, contracts, domains *table
	all                                                      []*table
}

func (t *table) newRow() *lrow {
	return &lrow{s: make([]string, t.nS), f: make([]float64, t.nF), l: make([][]string, t.nL)}
}

func (t *table) clone(r *lrow) *lrow {
	c := &lrow{pk: r.pk, s: slices.Clone(r.s), f: slices.Clone(r.f), l: make([][]string, len(r.l))}
	for i, l := range r.l {
		c.l[i] = slices.Clone(l)
	}
	return c
}

func (t *table) col(name string) *column {
	for i := range t.cols {
		if t.cols[i].name == name {
			return &t.cols[i]
		}
	}
	return nil
}

func (t *table) insert(r *lrow) {
	if r.pk == 0 {
		r.pk = t.nextPK
	}
	if r.pk >= t.nextPK {
		t.nextPK = r.pk + 1
	}
	t.byPK[r.pk] = r
	t.rows = append(t.rows, r) // pks only grow, so rows stay ordered
}

// replace swaps in an updated copy of a row: rows are updated in place so
// that images pointing at them see the change.
func (t *table) replace(r *lrow) {
	old := t.byPK[r.pk]
	old.s, old.f, old.l = r.s, r.f, r.l
}

func (t *table) remove(pk int64) {
	delete(t.byPK, pk)
	i, found := slices.BinarySearchFunc(t.rows, pk, func(r *lrow, pk int64) int { return cmpInt(r.pk, pk) })
	if found {
		t.rows = slices.Delete(t.rows, i, i+1)
	}
}

// findText finds a row by a text column (the slug lookups of image requests).
func (t *table) findText(colName, v string) *lrow {
	c := t.col(colName)
	for _, r := range t.rows {
		if r.s[c.slot] == v {
			return r
		}
	}
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
