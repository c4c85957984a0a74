// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"slices"
)

// Response form of images and lookup rows. Requests name lookups the way a
// user knows them, responses expand them:
//
//	field                    sent                        returned
//	cuda_version             version, e.g. "11.1"        {pk, version, full_version, min_driver_version}
//	framework                pk                          {pk, name, version}
//	domain                   code, e.g. "od"             description, e.g. "Object Detection"
//	min_hardware_generation  generation or null          {pk, generation, min/max_compute_capability} or null
//	tasks, licence           names                       names

func appendRow(b []byte, t *table, r *lrow) []byte {
	b = append(b, `{"pk":`...)
	b = appendInt(b, r.pk)
	for _, c := range t.cols {
		b = appendKey(b, c.name, false)
		switch c.kind {
		case colText, colURL, colDecimal:
			b = appendString(b, r.s[c.slot])
		case colFloat:
			b = appendFloat(b, r.f[c.slot])
		case colList:
			b = append(b, '[')
			for i, s := range r.l[c.slot] {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, s)
			}
			b = append(b, ']')
		}
	}
	return append(b, '}')
}

func rowMap(t *table, r *lrow) map[string]any {
	m := map[string]any{"pk": r.pk}
	for _, c := range t.cols {
		switch c.kind {
		case colText, colURL, colDecimal:
			m[c.name] = r.s[c.slot]
		case colFloat:
			m[c.name] = r.f[c.slot]
		case colList:
			m[c.name] = slices.Clone(r.l[c.slot])
		}
	}
	return m
}

// taskNames returns the image's task names in link order (see linkTasks);
// the API treats tasks as a set.
func (s *Server) taskNames(im *image, buf []string) []string {
	buf = buf[:0]
	for _, t := range im.tasks {
		buf = append(buf, t.s[0])
	}
	return buf
}

func (s *Server) appendImage(b []byte, im *image) []byte {
	ts := s.st.t
	b = append(b, `{"pk":`...)
	b = appendInt(b, im.pk)
	b = append(b, `,"name":`...)
	b = appendString(b, im.name)
	b = append(b, `,"version":`...)
	b = appendString(b, im.version)
	b = append(b, `,"url":`...)
	b = appendString(b, im.url)
	b = append(b, `,"registry_url":`...)
	b = appendString(b, im.registryURL)
	b = append(b, `,"registry_username":`...)
	b = appendNullableString(b, im.regUser, im.hasUser)
	b = append(b, `,"registry_password":`...)
	b = appendNullableString(b, im.regPass, im.hasPass)
	b = append(b, `,"cuda_version":`...)
	b = appendRow(b, ts.cuda, im.cuda)
	b = append(b, `,"framework":`...)
	b = appendRow(b, ts.frameworks, im.framework)
	b = append(b, `,"domain":`...)
	b = appendString(b, im.domain.s[1])
	b = append(b, `,"tasks":[`...)
	var arr [8]string
	for i, n := range s.taskNames(im, arr[:0]) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, n)
	}
	b = append(b, `],"min_hardware_generation":`...)
	if im.hw == nil {
		b = append(b, "null"...)
	} else {
		b = appendRow(b, ts.hardware, im.hw)
	}
	b = append(b, `,"cpu":`...)
	b = appendBool(b, im.cpu)
	b = append(b, `,"licence":`...)
	b = appendString(b, im.licence.s[0])
	return append(b, '}')
}

// imageMap is the response form as Go values (pks are int64, null is nil) for
// the direct data hooks.
func (s *Server) imageMap(im *image) map[string]any {
	ts := s.st.t
	nullable := func(v string, ok bool) any {
		if !ok {
			return nil
		}
		return v
	}
	var hw any
	if im.hw != nil {
		hw = rowMap(ts.hardware, im.hw)
	}
	return map[string]any{
		"pk":                      im.pk,
		"name":                    im.name,
		"version":                 im.version,
		"url":                     im.url,
		"registry_url":            im.registryURL,
		"registry_username":       nullable(im.regUser, im.hasUser),
		"registry_password":       nullable(im.regPass, im.hasPass),
		"cuda_version":            rowMap(ts.cuda, im.cuda),
		"framework":               rowMap(ts.frameworks, im.framework),
		"domain":                  im.domain.s[1],
		"tasks":                   s.taskNames(im, make([]string, 0, len(im.tasks))),
		"min_hardware_generation": hw,
		"cpu":                     im.cpu,
		"licence":                 im.licence.s[0],
	}
}
