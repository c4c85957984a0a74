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
			// Subdescriptors are related rows with a name on the backend.
			fs.add(c.name+"__name", field[*lrow]{kind: kString, each: func(r *lrow, fn func(value) bool) bool {
				for _, s := range r.l[slot] {
					if fn(value{s: s}) {
						return true
					}
				}
				return false
			}})
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
		for _, sub := range t.fields.names {
			fs.add(name+"__"+sub, throughFK(get, t.fields.byName[sub]))
		}
	}
	fk("cuda_version", ts.cuda, func(im *image) *lrow { return im.cuda })
	fk("framework", ts.frameworks, func(im *image) *lrow { return im.framework })
	fk("domain", ts.domains, func(im *image) *lrow { return im.domain })
	fk("licence", ts.licences, func(im *image) *lrow { return im.licence })
	fk("min_hardware_generation", ts.hardware, func(im *image) *lrow { return im.hw })

	// tasks is many-to-many: a condition holds when it holds for any task.
	fs.add("tasks", throughM2M(ts.contracts.fields.byName["pk"]))
	for _, sub := range ts.contracts.fields.names {
		fs.add("tasks__"+sub, throughM2M(ts.contracts.fields.byName[sub]))
	}
	return fs
}

func throughFK(get func(*image) *lrow, lf *field[*lrow]) field[*image] {
	if lf.multi() {
		return field[*image]{kind: lf.kind, each: func(im *image, fn func(value) bool) bool {
			r := get(im)
			return r != nil && lf.each(r, fn)
		}}
	}
	return field[*image]{kind: lf.kind, get: func(im *image) (value, bool) {
		r := get(im)
		if r == nil {
			return value{}, false
		}
		return lf.get(r)
	}}
}

func throughM2M(lf *field[*lrow]) field[*image] {
	return field[*image]{kind: lf.kind, each: func(im *image, fn func(value) bool) bool {
		for _, t := range im.tasks {
			if v, ok := lf.get(t); ok && fn(v) {
				return true
			}
		}
		return false
	}}
}
