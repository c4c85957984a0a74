// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

// Filter schemas: the database field names each list endpoint accepts, with
// Django's "__" traversal into related rows.

func lookupFields(t *table) fieldSet[*lrow] {
	fs := newFieldSet[*lrow](t.verbose)
	pk := field[*lrow]{kind: kInt, get: func(r *lrow) (value, bool) { return value{n: float64(r.pk)}, true }}
	fs.add("pk", pk)
	fs.add("id", pk)
	for _, c := range t.cols {
		slot, fslot := c.slot, c.fslot
		switch c.kind {
		case colText, colURL:
			fs.add(c.name, field[*lrow]{kind: kString, get: func(r *lrow) (value, bool) { return value{s: r.s[slot]}, true }})
		case colDecimal:
			fs.add(c.name, field[*lrow]{kind: kDecimal, get: func(r *lrow) (value, bool) { return value{s: r.s[slot], n: r.f[fslot]}, true }})
		case colFloat:
			fs.add(c.name, field[*lrow]{kind: kFloat, get: func(r *lrow) (value, bool) { return value{n: r.f[slot]}, true }})
		case colList:
			// Subdescriptors are related rows with a name on the backend: a
			// many-to-many relation.
			rel := fs.relation(func(r *lrow) int { return len(r.l[slot]) })
			fs.add(c.name+"__name", field[*lrow]{kind: kString, rel: rel,
				relGet: func(r *lrow, i int) (value, bool) { return value{s: r.l[slot][i]}, true }})
		}
	}
	return fs
}

func imageFields(ts *tables) fieldSet[*image] {
	fs := newFieldSet[*image]("docker image")
	pk := field[*image]{kind: kInt, get: func(im *image) (value, bool) { return value{n: float64(im.pk)}, true }}
	fs.add("pk", pk)
	fs.add("id", pk)
	text := func(name string, get func(*image) string) {
		fs.add(name, field[*image]{kind: kString, get: func(im *image) (value, bool) { return value{s: get(im)}, true }})
	}
	text("name", func(im *image) string { return im.name })
	text("version", func(im *image) string { return im.version })
	text("url", func(im *image) string { return im.url })
	text("registry_url", func(im *image) string { return im.registryURL })
	fs.add("registry_username", field[*image]{kind: kString, get: func(im *image) (value, bool) { return value{s: im.regUser}, im.hasUser }})
	fs.add("registry_password", field[*image]{kind: kString, get: func(im *image) (value, bool) { return value{s: im.regPass}, im.hasPass }})
	fs.add("cpu", field[*image]{kind: kBool, get: func(im *image) (value, bool) { return value{b: im.cpu}, true }})

	// tasks is many-to-many: the bare name compares the job contract's pk.
	tasks := fs.relation(func(im *image) int { return len(im.tasks) })
	for _, sub := range append([]string{""}, ts.contracts.fields.names...) {
		name, lf := "tasks__"+sub, ts.contracts.fields.byName[sub]
		if sub == "" {
			name, lf = "tasks", ts.contracts.fields.byName["pk"]
		}
		fs.add(name, field[*image]{kind: lf.kind, rel: tasks, relGet: func(im *image, i int) (value, bool) { return lf.get(im.tasks[i]) }})
	}

	fk := func(name string, t *table, get func(*image) *lrow) {
		// The bare foreign key compares by pk, as in Django.
		byPK := field[*image]{kind: kInt, get: func(im *image) (value, bool) {
			r := get(im)
			if r == nil {
				return value{}, false
			}
			return value{n: float64(r.pk)}, true
		}}
		for _, alias := range []string{name, name + "_id"} {
			fs.add(alias, byPK)
		}
		// A relation of the looked-up table (a licence's subdescriptors)
		// becomes a relation of the image.
		rels := map[int]int{}
		for _, sub := range t.fields.names {
			lf := t.fields.byName[sub]
			if !lf.multi() {
				fs.add(name+"__"+sub, field[*image]{kind: lf.kind, get: func(im *image) (value, bool) {
					r := get(im)
					if r == nil {
						return value{}, false
					}
					return lf.get(r)
				}})
				continue
			}
			if rels[lf.rel] == 0 {
				n := t.fields.relLen[lf.rel-1]
				rels[lf.rel] = fs.relation(func(im *image) int {
					if r := get(im); r != nil {
						return n(r)
					}
					return 0
				})
			}
			fs.add(name+"__"+sub, field[*image]{kind: lf.kind, rel: rels[lf.rel], relGet: func(im *image, i int) (value, bool) {
				return lf.relGet(get(im), i)
			}})
		}
	}
	fk("cuda_version", ts.cuda, func(im *image) *lrow { return im.cuda })
	fk("framework", ts.frameworks, func(im *image) *lrow { return im.framework })
	fk("domain", ts.domains, func(im *image) *lrow { return im.domain })
	fk("licence", ts.licences, func(im *image) *lrow { return im.licence })
	fk("min_hardware_generation", ts.hardware, func(im *image) *lrow { return im.hw })
	return fs
}
