// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"slices"
	"sync"
)

// image is the stored form of a docker image, kept compact: lookup values are
// pointers to shared rows (never copies), nullable strings are a string plus a
// flag. Images are replaced, never modified in place, so a failed update
// cannot leave a half-written image behind.
type image struct {
	pk                               int64
	name, version, url, registryURL  string
	regUser, regPass                 string
	hasUser, hasPass, cpu            bool
	cuda, framework, domain, licence *lrow
	hw                               *lrow   // nil: null
	tasks                            []*lrow // job contracts in link order (linkTasks), no duplicates
}

type nameVersion struct{ name, version string }

// store holds every table. One RWMutex covers it all: reads (retrieve, list)
// share it, writes are short and exclusive.
type store struct {
	mu     sync.RWMutex
	t      *tables
	images []*image // ordered by pk
	// scan is the images in the order a list without order_by returns them. PostgreSQL,
	// under the real backend, returns a small table's rows as they lie on disk: on a fresh
	// table an update writes the new row version after the others, so a PATCHed sample
	// comes last in the next list; once deletes have left free slots, a new or updated row
	// can land anywhere. Both profiles model the fresh table; nobody may rely on either.
	scan   []*image
	byPK   map[int64]*image
	byNV   map[nameVersion]*image
	nextPK int64
	refs   map[int64]int // test hook: references held by "other objects"
}

func newStore() *store {
	return &store{
		t:      newTables(),
		byPK:   map[int64]*image{},
		byNV:   map[nameVersion]*image{},
		nextPK: 1,
		refs:   map[int64]int{},
	}
}

func (st *store) insertImage(im *image) {
	im.pk = st.nextPK
	st.nextPK++
	st.images = append(st.images, im) // pks only grow, so the slice stays ordered
	st.scan = append(st.scan, im)
	st.byPK[im.pk] = im
	st.byNV[nameVersion{im.name, im.version}] = im
}

func (st *store) imageIndex(pk int64) (int, bool) {
	return slices.BinarySearchFunc(st.images, pk, func(im *image, pk int64) int { return cmpInt(im.pk, pk) })
}

func (st *store) replaceImage(old, im *image) {
	im.pk = old.pk
	if i, ok := st.imageIndex(old.pk); ok {
		st.images[i] = im
	}
	if i := slices.Index(st.scan, old); i >= 0 {
		st.scan = append(slices.Delete(st.scan, i, i+1), im)
	}
	st.byPK[im.pk] = im
	delete(st.byNV, nameVersion{old.name, old.version})
	st.byNV[nameVersion{im.name, im.version}] = im
}

func (st *store) deleteImage(im *image) {
	if i, ok := st.imageIndex(im.pk); ok {
		st.images = slices.Delete(st.images, i, i+1)
	}
	if i := slices.Index(st.scan, im); i >= 0 {
		st.scan = slices.Delete(st.scan, i, i+1)
	}
	delete(st.byPK, im.pk)
	delete(st.byNV, nameVersion{im.name, im.version})
	delete(st.refs, im.pk)
}

// clash returns another image with the same (name, version) as im, if any.
func (st *store) clash(im *image, self int64) *image {
	other := st.byNV[nameVersion{im.name, im.version}]
	if other == nil || other.pk == self {
		return nil
	}
	return other
}

// imagesUsing counts the images that point at row r of table t.
func (st *store) imagesUsing(t *table, r *lrow) int {
	n := 0
	for _, im := range st.images {
		switch t {
		case st.t.cuda:
			if im.cuda == r {
				n++
			}
		case st.t.frameworks:
			if im.framework == r {
				n++
			}
		case st.t.hardware:
			if im.hw == r {
				n++
			}
		case st.t.licences:
			if im.licence == r {
				n++
			}
		case st.t.domains:
			if im.domain == r {
				n++
			}
		case st.t.contracts:
			if slices.Contains(im.tasks, r) {
				n++
			}
		}
	}
	return n
}
