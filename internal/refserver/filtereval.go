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
// over typed field accessors; evaluating it per record is then a few function
// calls without allocation.

type kind uint8

const (
	kString  kind = iota
	kInt          // pks and foreign keys (compared by pk, as Django does)
	kFloat        // compute capabilities
	kBool         // cpu
	kDecimal      // CUDA version: text for contains, number for exact/compare/order
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

// field reads one filterable field of a record. Single-valued fields set get
// (ok=false is SQL NULL); multi-valued ones (tasks__name) set each, which
// reports whether fn held for any value, as a join in the database would.
type field[T any] struct {
	kind kind
	get  func(T) (value, bool)
	each func(T, func(value) bool) bool
}

func (f *field[T]) multi() bool { return f.each != nil }

// fieldSet is the filter schema of one list endpoint.
type fieldSet[T any] struct {
	what   string // "docker image", used in messages
	byName map[string]*field[T]
	names  []string
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

type pred[T any] func(T) bool

type ordering[T any] struct {
	f          *field[T]
	desc       bool
	nullsFirst bool
}

// query is a compiled filter: stages apply in order (filtering.md), then the
// orderings; ties keep pk order because the input is in pk order and the sort
// is stable.
type query[T any] struct {
	stages []pred[T]
	order  []ordering[T]
}

// run filters and orders recs; it never modifies recs.
func (q *query[T]) run(recs []T) []T {
	if q == nil || (len(q.stages) == 0 && len(q.order) == 0) {
		return recs
	}
	var out []T
	if len(q.stages) > 0 {
		out = make([]T, 0, 16)
	next:
		for _, r := range recs {
			for _, p := range q.stages {
				if !p(r) {
					continue next
				}
			}
			out = append(out, r)
		}
	} else {
		out = slices.Clone(recs)
	}
	if len(q.order) > 0 {
		slices.SortStableFunc(out, q.compare)
	}
	return out
}

func (q *query[T]) compare(a, b T) int {
	for _, o := range q.order {
		if c := o.compare(a, b); c != 0 {
			return c
		}
	}
	return 0
}

func (o ordering[T]) compare(a, b T) int {
	va, oka := o.f.get(a)
	vb, okb := o.f.get(b)
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

// compareValues orders strings by code point (PostgreSQL's "C" collation), the
// rest numerically, false before true.
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
		return func(r T) bool { return f.each(r, match) }
	}
	return func(r T) bool {
		v, ok := f.get(r)
		return ok && match(v)
	}
}

func isNullPred[T any](f *field[T]) pred[T] {
	if f.multi() {
		anyValue := func(value) bool { return true }
		return func(r T) bool { return !f.each(r, anyValue) }
	}
	return func(r T) bool {
		_, ok := f.get(r)
		return !ok
	}
}

func not[T any](p pred[T]) pred[T] { return func(r T) bool { return !p(r) } }

func and[T any](ps []pred[T]) pred[T] {
	return func(r T) bool {
		for _, p := range ps {
			if !p(r) {
				return false
			}
		}
		return true
	}
}

func or[T any](ps []pred[T]) pred[T] {
	return func(r T) bool {
		for _, p := range ps {
			if p(r) {
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
