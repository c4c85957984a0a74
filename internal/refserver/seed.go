// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The seed data is what a freshly set-up real backend holds after its own migrations: every
// lookup table as it serves it (POST /v1/<table>/list ordered by pk), pk for pk and field for
// field, licence subdescriptors included, and the 23 catalog images as the backend's own
// catalog files (seed/docker_images), which examples/adopt-catalog reads too. seed/docker.json
// is how the real backend serves those images: the conformance suite checks that the
// reference server serves exactly that, and the seed against a real backend.
//
//go:embed seed/*.json seed/docker_images/*.json
var seedFS embed.FS

// seedFile names the served copy of each table.
func seedFile(key string) string { return "seed/" + key + ".json" }

// seedTables loads every lookup table with the pks it was served with.
func seedTables(ts *tables) error {
	for _, t := range ts.all {
		data, err := seedFS.ReadFile(seedFile(t.key))
		if err != nil {
			return fmt.Errorf("refserver: seed %s: %w", t.key, err)
		}
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(data, &rows); err != nil {
			return fmt.Errorf("refserver: seed %s: %w", t.key, err)
		}
		for i, m := range rows {
			r, err := seedRow(t, m)
			if err != nil {
				return fmt.Errorf("refserver: seed %s row %d: %w", t.key, i+1, err)
			}
			if t.byPK[r.pk] != nil || (len(t.rows) > 0 && r.pk < t.rows[len(t.rows)-1].pk) {
				return fmt.Errorf("refserver: seed %s row %d: pk %d out of order", t.key, i+1, r.pk)
			}
			t.insert(r)
		}
	}
	return nil
}

func seedRow(t *table, m map[string]json.RawMessage) (*lrow, error) {
	r := t.newRow()
	if err := json.Unmarshal(m["pk"], &r.pk); err != nil || r.pk < 1 {
		return nil, fmt.Errorf("pk: %s", m["pk"])
	}
	if len(m) != len(t.cols)+1 {
		return nil, fmt.Errorf("%d fields, want %d", len(m), len(t.cols)+1)
	}
	for _, c := range t.cols {
		raw, ok := m[c.name]
		if !ok {
			return nil, fmt.Errorf("no %s", c.name)
		}
		var err error
		switch c.kind {
		case colDecimal:
			var s string
			if err = json.Unmarshal(raw, &s); err == nil {
				canon, f, msg := parseCUDAVersion(s)
				if msg != "" || canon != s {
					return nil, fmt.Errorf("%s %q: not a serialised decimal", c.name, s)
				}
				r.s[c.slot], r.f[c.fslot] = canon, f
			}
		case colFloat:
			err = json.Unmarshal(raw, &r.f[c.slot])
		case colList:
			err = json.Unmarshal(raw, &r.l[c.slot])
			if r.l[c.slot] == nil {
				r.l[c.slot] = []string{}
			}
		default:
			err = json.Unmarshal(raw, &r.s[c.slot])
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return r, nil
}

// migrationImage is one of the backend's catalog files (seed/docker_images), the format its
// data migrations load: lookups by version, name and version, code and name.
type migrationImage struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	URL      string `json:"url"`
	Registry struct {
		URL      string `json:"url"`
		User     string `json:"user"`
		Password string `json:"password"`
	} `json:"registry"`
	CUDAVersion string `json:"cuda_version"`
	Framework   struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"framework"`
	Domain                string   `json:"domain"`
	Tasks                 []string `json:"tasks"`
	MinHardwareGeneration string   `json:"min_hardware_generation"`
	CPU                   bool     `json:"cpu"`
	License               string   `json:"license"`
}

// loadSamples inserts the 23 catalog images from the backend's own catalog files, in the
// order its migrations load them: the domain apps in turn (ic, is, od, sc, sp), the files of
// each by name. The same files feed examples/adopt-catalog. Like the migrations, it bypasses
// the API's validation (CPU images have a null generation, which the API refuses), but
// every lookup must resolve to a seed row; task links are made in job-contract order, as
// the backend serves them.
func (s *Server) loadSamples() error {
	files, err := fs.Glob(seedFS, "seed/docker_images/*.json")
	if err != nil {
		return err
	}
	var images []migrationImage
	for _, f := range files {
		data, err := seedFS.ReadFile(f)
		if err != nil {
			return err
		}
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		var mi migrationImage
		if err := d.Decode(&mi); err != nil {
			return fmt.Errorf("refserver: seed %s: %w", path.Base(f), err)
		}
		images = append(images, mi)
	}
	// fs.Glob gives the files by name; the migrations run domain by domain.
	slices.SortStableFunc(images, func(a, b migrationImage) int { return strings.Compare(a.Domain, b.Domain) })
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, mi := range images {
		im, err := migratedImage(s.st.t, mi)
		if err != nil {
			return fmt.Errorf("refserver: seed image %s:%s: %w", mi.Name, mi.Version, err)
		}
		if s.st.clash(im, 0) != nil {
			return fmt.Errorf("refserver: seed image %s:%s: (name, version) taken", mi.Name, mi.Version)
		}
		s.st.insertImage(im)
	}
	return nil
}

func migratedImage(ts *tables, mi migrationImage) (*image, error) {
	im := &image{name: mi.Name, version: mi.Version, url: mi.URL, registryURL: mi.Registry.URL, cpu: mi.CPU}
	if mi.Registry.User != "" {
		im.regUser, im.hasUser = mi.Registry.User, true
		im.regPass, im.hasPass = mi.Registry.Password, true
	}
	find := func(t *table, col, v string) (*lrow, error) {
		if r := t.findText(col, v); r != nil {
			return r, nil
		}
		return nil, fmt.Errorf("%s %s %q is not in the seed", t.key, col, v)
	}
	var err error
	if im.cuda, err = find(ts.cuda, "version", mi.CUDAVersion); err != nil {
		return nil, err
	}
	for _, r := range ts.frameworks.rows {
		if r.s[ts.frameworks.col("name").slot] == mi.Framework.Name && r.s[ts.frameworks.col("version").slot] == mi.Framework.Version {
			im.framework = r
		}
	}
	if im.framework == nil {
		return nil, fmt.Errorf("framework %s %s is not in the seed", mi.Framework.Name, mi.Framework.Version)
	}
	if im.domain, err = find(ts.domains, "name", mi.Domain); err != nil {
		return nil, err
	}
	if im.licence, err = find(ts.licences, "name", mi.License); err != nil {
		return nil, err
	}
	switch {
	case mi.MinHardwareGeneration != "":
		if im.hw, err = find(ts.hardware, "generation", mi.MinHardwareGeneration); err != nil {
			return nil, err
		}
	case !mi.CPU:
		return nil, fmt.Errorf("a null generation on a GPU image")
	}
	for _, n := range mi.Tasks {
		r, err := find(ts.contracts, "name", n)
		if err != nil || slices.Contains(im.tasks, r) {
			return nil, fmt.Errorf("task %q unknown or repeated", n)
		}
		im.tasks = append(im.tasks, r)
	}
	slices.SortFunc(im.tasks, func(a, b *lrow) int { return cmp.Compare(a.pk, b.pk) })
	return im, nil
}
