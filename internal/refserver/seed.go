package refserver

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
)

// The seed data is the real deployment's (the backend's migrations), copied
// into the project so that the binary carries it.
//
//go:embed seed/*.csv seed/docker_images/*.json
var seedFS embed.FS

// seedColumns maps each table to its CSV file and the CSV's column order.
var seedColumns = map[string]struct {
	file string
	cols []string
}{
	"cuda":          {"cuda.csv", []string{"version", "full_version", "min_driver_version"}},
	"frameworks":    {"frameworks.csv", []string{"name", "version"}},
	"hardware":      {"hardware.csv", []string{"generation", "min_compute_capability", "max_compute_capability"}},
	"licences":      {"licences.csv", []string{"name", "url"}},
	"job-contracts": {"job_contracts.csv", []string{"name", "pkg", "cls"}},
	"domains":       {"domains.csv", []string{"name", "description"}},
}

// seedTables loads every lookup table; pks follow the CSV order, as the
// backend's migrations insert them.
func seedTables(ts *tables) error {
	for _, t := range ts.all {
		sc := seedColumns[t.key]
		f, err := seedFS.Open("seed/" + sc.file)
		if err != nil {
			return fmt.Errorf("refserver: seed %s: %w", sc.file, err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("refserver: seed %s: %w", sc.file, err)
		}
		for i, rec := range recs[1:] { // the first line is the header
			if len(rec) != len(sc.cols) {
				return fmt.Errorf("refserver: seed %s line %d: %d fields, want %d", sc.file, i+2, len(rec), len(sc.cols))
			}
			r := t.newRow()
			for j, name := range sc.cols {
				c := t.col(name)
				switch c.kind {
				case colDecimal:
					canon, f, msg := parseDecimal(rec[j])
					if msg != "" {
						return fmt.Errorf("refserver: seed %s line %d: %s: %s", sc.file, i+2, name, msg)
					}
					r.s[c.slot], r.f[c.fslot] = canon, f
				case colFloat:
					f, err := strconv.ParseFloat(rec[j], 64)
					if err != nil {
						return fmt.Errorf("refserver: seed %s line %d: %w", sc.file, i+2, err)
					}
					r.f[c.slot] = f
				default:
					r.s[c.slot] = rec[j]
				}
			}
			t.insert(r)
		}
	}
	return nil
}

// sampleImage is the backend's migration format of an image.
type sampleImage struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	URL      string `json:"url"`
	Registry struct {
		URL      string  `json:"url"`
		User     *string `json:"user"`
		Password *string `json:"password"`
	} `json:"registry"`
	CUDAVersion string `json:"cuda_version"`
	Framework   struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"framework"`
	Domain                string   `json:"domain"`
	Tasks                 []string `json:"tasks"`
	MinHardwareGeneration string   `json:"min_hardware_generation"` // "" means null
	CPU                   bool     `json:"cpu"`
	License               string   `json:"license"`
}

// loadSamples inserts the 23 real images in file-name order, through the
// same validation as the API (documented rules: CPU images keep their null
// generation, as the backend's migrations leave it).
func (s *Server) loadSamples() error {
	names, err := fs.Glob(seedFS, "seed/docker_images/*.json")
	if err != nil {
		return err
	}
	slices.Sort(names)
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, name := range names {
		data, err := seedFS.ReadFile(name)
		if err != nil {
			return err
		}
		var si sampleImage
		if err := json.Unmarshal(data, &si); err != nil {
			return fmt.Errorf("refserver: sample %s: %w", path.Base(name), err)
		}
		fw := s.st.t.frameworks
		var fwPK int64
		for _, r := range fw.rows {
			if r.s[0] == si.Framework.Name && r.s[1] == si.Framework.Version {
				fwPK = r.pk
			}
		}
		body := map[string]any{
			"name": si.Name, "version": si.Version, "url": si.URL,
			"registry_url": si.Registry.URL, "registry_username": si.Registry.User, "registry_password": si.Registry.Password,
			"cuda_version": si.CUDAVersion, "framework": fwPK, "domain": si.Domain, "tasks": si.Tasks,
			"min_hardware_generation": nil, "cpu": si.CPU, "licence": si.License,
		}
		if si.MinHardwareGeneration != "" {
			body["min_hardware_generation"] = si.MinHardwareGeneration
		}
		if _, err := s.createDirect(body); err != nil {
			return fmt.Errorf("refserver: sample %s: %w", path.Base(name), err)
		}
	}
	return nil
}
