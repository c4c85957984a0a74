package refserver

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
)

// The seed data is what a freshly set-up real backend serves after its own
// migrations (POST /v1/<table>/list ordered by pk): every lookup table pk for
// pk and field for field, licence subdescriptors included, and the 23 catalog
// images in their response form. It is copied into the project so that the
// binary carries it; the conformance suite checks it against a real backend.
//
//go:embed seed/*.json
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
				canon, f, msg := parseDecimal(s)
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

// servedImage is an image in response form, as the seed holds the catalog.
type servedImage struct {
	PK                    int64          `json:"pk"`
	Name                  string         `json:"name"`
	Version               string         `json:"version"`
	URL                   string         `json:"url"`
	RegistryURL           string         `json:"registry_url"`
	RegistryUsername      *string        `json:"registry_username"`
	RegistryPassword      *string        `json:"registry_password"`
	CUDAVersion           map[string]any `json:"cuda_version"`
	Framework             map[string]any `json:"framework"`
	Domain                string         `json:"domain"`
	Tasks                 []string       `json:"tasks"`
	MinHardwareGeneration map[string]any `json:"min_hardware_generation"`
	CPU                   bool           `json:"cpu"`
	Licence               string         `json:"licence"`
}

// loadSamples inserts the 23 catalog images with the pks, fields and task
// order they are served with. Like the backend's migrations, it bypasses the
// API's validation (CPU images have a null generation, which the API
// refuses), but every lookup must resolve to the seed row the image names.
func (s *Server) loadSamples() error {
	data, err := seedFS.ReadFile(seedFile("docker"))
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var images []servedImage
	if err := d.Decode(&images); err != nil {
		return fmt.Errorf("refserver: seed docker: %w", err)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	ts := s.st.t
	for _, si := range images {
		im, err := sampleImage(ts, si)
		if err != nil {
			return fmt.Errorf("refserver: seed docker pk %d: %w", si.PK, err)
		}
		if si.PK != s.st.nextPK {
			return fmt.Errorf("refserver: seed docker: pk %d, want %d (pks 1.. in order)", si.PK, s.st.nextPK)
		}
		if s.st.clash(im, 0) != nil {
			return fmt.Errorf("refserver: seed docker pk %d: (name, version) taken", si.PK)
		}
		s.st.insertImage(im)
	}
	return nil
}

func sampleImage(ts *tables, si servedImage) (*image, error) {
	im := &image{
		name: si.Name, version: si.Version, url: si.URL, registryURL: si.RegistryURL, cpu: si.CPU,
	}
	if si.RegistryUsername != nil {
		im.regUser, im.hasUser = *si.RegistryUsername, true
	}
	if si.RegistryPassword != nil {
		im.regPass, im.hasPass = *si.RegistryPassword, true
	}
	var err error
	if im.cuda, err = servedRow(ts.cuda, si.CUDAVersion); err != nil {
		return nil, err
	}
	if im.framework, err = servedRow(ts.frameworks, si.Framework); err != nil {
		return nil, err
	}
	if si.MinHardwareGeneration != nil {
		if im.hw, err = servedRow(ts.hardware, si.MinHardwareGeneration); err != nil {
			return nil, err
		}
	} else if !si.CPU {
		return nil, fmt.Errorf("a null generation on a GPU image")
	}
	for _, r := range ts.domains.rows {
		if r.s[1] == si.Domain {
			im.domain = r
		}
	}
	im.licence = ts.licences.findText("name", si.Licence)
	if im.domain == nil || im.licence == nil {
		return nil, fmt.Errorf("domain %q or licence %q is not in the seed", si.Domain, si.Licence)
	}
	for _, n := range si.Tasks {
		r := ts.contracts.findText("name", n)
		if r == nil || slices.Contains(im.tasks, r) {
			return nil, fmt.Errorf("task %q unknown or repeated", n)
		}
		im.tasks = append(im.tasks, r)
	}
	return im, nil
}

// servedRow finds the seed row a nested response object names and checks
// that the object shows it as served.
func servedRow(t *table, obj map[string]any) (*lrow, error) {
	pk, _ := obj["pk"].(float64)
	r := t.byPK[int64(pk)]
	if r == nil {
		return nil, fmt.Errorf("%s pk %v is not in the seed", t.key, obj["pk"])
	}
	want, _ := json.Marshal(rowMap(t, r))
	var norm map[string]any
	_ = json.Unmarshal(want, &norm)
	got, _ := json.Marshal(obj)
	wantNorm, _ := json.Marshal(norm)
	if !bytes.Equal(got, wantNorm) {
		return nil, fmt.Errorf("%s %s differs from the seed row %s", t.key, got, wantNorm)
	}
	return r, nil
}
