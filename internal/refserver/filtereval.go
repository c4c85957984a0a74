// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The filter language is compiled once per request (filter.go) into closures
// over typed field accessors, and evaluated the way the backend's database
// evaluates the Django query it builds: each expression stage is one filter()
// call, and a condition on a many-to-many relation (an image's tasks, a
// licence's subdescriptors) joins that relation, so a record comes back once
// per joined row that matches; negated conditions are subqueries and join
// nothing. Stages without relations, the common case, cost one predicate call
// per record.

type kind uint8

const (
	kString  kind = iota
	kInt          // pks and foreign keys (compared by pk, as Django does)
	kFloat        // compute capabilities
	kBool         // cpu
	kDecimal      // CUDA version: numeric(4,1)
)

func (k kind) String() string {
	return [...]string{"string", "integer", "float", "boolean", "decimal"}[k]
}

// value is one field value; which members matter depends on the field's kind.
type value struct {
	s string
	n float64
	b bool
}

// maxRelations bounds the many-to-many relations one record type has (an
// image: its tasks and its licence's four subdescriptor lists).
const maxRelations = 8

// binding picks one joined row per relation: an index into the relation's
// rows, or -1 for the NULL row of a record without any (a LEFT JOIN).
type binding [maxRelations]int

// field reads one filterable field of a record. Single-valued fields set get
// (ok=false is SQL NULL); fields of a many-to-many relation set rel (its id
// plus one) and read the row the binding picks.
type field[T any] struct {
	kind   kind
	get    func(T) (value, bool)
	rel    int
	relGet func(T, int) (value, bool)
}

func (f *field[T]) multi() bool { return f.rel != 0 }

func (f *field[T]) at(r T, b *binding) (value, bool) {
	if f.rel == 0 {
		return f.get(r)
	}
	i := b[f.rel-1]
	if i < 0 {
		return value{}, false
	}
	return f.relGet(r, i)
}

// fieldSet is the filter schema of one list endpoint.
type fieldSet[T any] struct {
	what   string // "docker image", used in messages
	byName map[string]*field[T]
	names  []string
	relLen []func(T) int // rows of each relation
}

func newFieldSet[T any](what string) fieldSet[T] {
	return fieldSet[T]{what: what, byName: map[string]*field[T]{}}
}

func (fs *fieldSet[T]) add(name string, f field[T]) {
	if _, dup := fs.byName[name]; !dup {
		fs.names = append(fs.names, name)
		sort.Strings(fs.names)
	}
	fs.byName[name] = &f
}

// relation registers a many-to-many relation and returns its field id.
func (fs *fieldSet[T]) relation(n func(T) int) int {
	fs.relLen = append(fs.relLen, n)
	if len(fs.relLen) > maxRelations {
		panic("refserver: too many relations")
	}
	return len(fs.relLen)
}

type pred[T any] func(T, *binding) bool

// stage is one expression: its predicate and the relations it joins.
type stage[T any] struct {
	p    pred[T]
	rels uint8 // bit i: relation i is joined
}

type ordering[T any] struct {
	f          *field[T]
	desc       bool
	nullsFirst bool
}

// query is a compiled filter: stages apply in order (filtering.md), then the
// orderings; ties keep pk order because the input is in pk order and the sort
// is stable.
type query[T any] struct {
	fs     *fieldSet[T]
	stages []stage[T]
	order  []ordering[T]
}

// row is one result row: a record and the joined rows its orderings read.
type row[T any] struct {
	r T
	b binding
}

// run filters and orders recs; it never modifies recs.
func (q *query[T]) run(recs []T) []T {
	if q == nil || (len(q.stages) == 0 && len(q.order) == 0) {
		return recs
	}
	var orderRels uint8
	for _, o := range q.order {
		if o.f.multi() {
			orderRels |= 1 << (o.f.rel - 1)
		}
	}
	simple := orderRels == 0
	for _, s := range q.stages {
		simple = simple && s.rels == 0
	}
	if simple {
		return q.runSimple(recs)
	}
	var rows []row[T]
	for _, r := range recs {
		rows = q.expand(r, orderRels, rows)
	}
	if len(q.order) > 0 {
		slices.SortStableFunc(rows, q.compare)
	}
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = rows[i].r
	}
	return out
}

// runSimple is run for queries that join nothing: one row per record.
func (q *query[T]) runSimple(recs []T) []T {
	var out []T
	if len(q.stages) > 0 {
		out = make([]T, 0, 16)
	next:
		for _, r := range recs {
			for _, s := range q.stages {
				if !s.p(r, nil) {
					continue next
				}
			}
			out = append(out, r)
		}
	} else {
		out = slices.Clone(recs)
	}
	if len(q.order) > 0 {
		slices.SortStableFunc(out, func(a, b T) int {
			return q.compare(row[T]{r: a}, row[T]{r: b})
		})
	}
	return out
}

// maxRowsPerRecord caps the rows one record can multiply into.
const maxRowsPerRecord = 1 << 12

// expand appends r's result rows: the product of each stage's matching joined
// rows. An ordering on a relation reads the rows of the last stage that joined
// it (Django reuses that join) or, when none did, joins it anew.
func (q *query[T]) expand(r T, orderRels uint8, rows []row[T]) []row[T] {
	cur := []binding{unbound()}
	for si, s := range q.stages {
		if s.rels == 0 {
			if !s.p(r, nil) {
				return rows
			}
			continue
		}
		sat := q.bindings(r, s.rels, s.p)
		if len(sat) == 0 {
			return rows
		}
		cur = cross(cur, sat, s.rels&orderRels&^q.laterJoins(si))
	}
	// Relations the orderings read but no stage joined.
	var joined uint8
	for _, s := range q.stages {
		joined |= s.rels
	}
	if fresh := orderRels &^ joined; fresh != 0 {
		cur = cross(cur, q.bindings(r, fresh, func(T, *binding) bool { return true }), fresh)
	}
	for _, b := range cur {
		rows = append(rows, row[T]{r: r, b: b})
	}
	return rows
}

// cross is every row of cur combined with every binding of bs, taking the
// joined rows of the relations in keep from bs (the rest multiply the rows).
func cross(cur, bs []binding, keep uint8) []binding {
	next := make([]binding, 0, len(cur)*len(bs))
	for _, c := range cur {
		for _, b := range bs {
			nb := c
			for i := range maxRelations {
				if keep&(1<<i) != 0 {
					nb[i] = b[i]
				}
			}
			next = append(next, nb)
		}
	}
	if len(next) > maxRowsPerRecord {
		next = next[:maxRowsPerRecord]
	}
	return next
}

// laterJoins is the relations stages after si join.
func (q *query[T]) laterJoins(si int) uint8 {
	var m uint8
	for _, s := range q.stages[si+1:] {
		m |= s.rels
	}
	return m
}

func unbound() binding {
	var b binding
	for i := range b {
		b[i] = -1
	}
	return b
}

// bindings lists the joined rows of r over the relations in rels (a NULL row
// for a relation r has none of) for which p holds.
func (q *query[T]) bindings(r T, rels uint8, p pred[T]) []binding {
	var out []binding
	walkBindings(q.fs, r, rels, func(b binding) bool {
		if p(r, &b) {
			out = append(out, b)
		}
		return len(out) >= maxRowsPerRecord
	})
	return out
}

// exists reports whether some joined rows of r over rels satisfy p: the
// subquery of a negated condition on a relation.
func exists[T any](fs *fieldSet[T], r T, rels uint8, p pred[T]) bool {
	found := false
	walkBindings(fs, r, rels, func(b binding) bool {
		found = p(r, &b)
		return found
	})
	return found
}

// walkBindings calls fn with every combination of joined rows of r over the
// relations in rels, until fn returns true.
func walkBindings[T any](fs *fieldSet[T], r T, rels uint8, fn func(binding) bool) {
	stop := false
	var walk func(i int, b binding)
	walk = func(i int, b binding) {
		if stop {
			return
		}
		if i == len(fs.relLen) {
			stop = fn(b)
			return
		}
		n := 0
		if rels&(1<<i) != 0 {
			n = fs.relLen[i](r)
		}
		if n == 0 {
			walk(i+1, b) // not joined, or the NULL row (b[i] stays -1)
			return
		}
		for j := range n {
			b[i] = j
			walk(i+1, b)
		}
	}
	walk(0, unbound())
}

func (q *query[T]) compare(a, b row[T]) int {
	for _, o := range q.order {
		if c := o.compare(a, b); c != 0 {
			return c
		}
	}
	return 0
}

func (o ordering[T]) compare(a, b row[T]) int {
	va, oka := o.f.at(a.r, &a.b)
	vb, okb := o.f.at(b.r, &b.b)
	if !oka || !okb {
		switch {
		case oka == okb:
			return 0
		case !oka == o.nullsFirst:
			return -1
		default:
			return 1
		}
	}
	c := compareValues(o.f.kind, va, vb)
	if o.desc {
		return -c
	}
	return c
}

// compareValues orders strings by code point (the backend database's "C"
// collation), the rest numerically, false before true.
func compareValues(k kind, a, b value) int {
	switch k {
	case kString:
		return strings.Compare(a.s, b.s)
	case kBool:
		switch {
		case a.b == b.b:
			return 0
		case !a.b:
			return -1
		}
		return 1
	}
	return cmp.Compare(a.n, b.n)
}

// lift turns a matcher on one value into a predicate on a record. NULL (no
// value) never matches; invert is applied outside, so an inverted match
// includes NULLs, as Django's exclude() does.
func lift[T any](f *field[T], match func(value) bool) pred[T] {
	if f.multi() {
		return func(r T, b *binding) bool {
			v, ok := f.at(r, b)
			return ok && match(v)
		}
	}
	return func(r T, _ *binding) bool {
		v, ok := f.get(r)
		return ok && match(v)
	}
}

func isNullPred[T any](f *field[T]) pred[T] {
	return func(r T, b *binding) bool {
		_, ok := f.at(r, b)
		return !ok
	}
}

func not[T any](p pred[T]) pred[T] { return func(r T, b *binding) bool { return !p(r, b) } }

func and[T any](ps []pred[T]) pred[T] {
	return func(r T, b *binding) bool {
		for _, p := range ps {
			if !p(r, b) {
				return false
			}
		}
		return true
	}
}

func or[T any](ps []pred[T]) pred[T] {
	return func(r T, b *binding) bool {
		for _, p := range ps {
			if p(r, b) {
				return true
			}
		}
		return false
	}
}

// containsFold is a case-insensitive strings.Contains that does not allocate.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if r1 != r2 && unicode.ToLower(r1) != unicode.ToLower(r2) && unicode.ToUpper(r1) != unicode.ToUpper(r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	return true
}
