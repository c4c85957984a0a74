package provider_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

// examplesRoot is the repository's examples/ folder, seen from this package.
const examplesRoot = "../../examples"

// declaresObjects matches a resource or data source block of the provider, or an import.
var declaresObjects = regexp.MustCompile(`(?m)^(resource|data) "ufdl_|^import \{`)

// exampleDirs lists the folders under examples/ whose .tf files declare ufdl resources, data
// sources or imports: each is a configuration a user may apply as it is.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(examplesRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && declaresObjects.Match(b) && !slices.Contains(dirs, filepath.Dir(p)) {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil || len(dirs) < 3 {
		t.Fatalf("listing the examples: %v (%d folders)", err, len(dirs))
	}
	return dirs
}

// TestAccExamples applies every shipped example that declares something against a reference
// server holding the sample catalog, then expects an empty plan and a clean destroy: an
// example that never converges, or that leaves images behind, fails here.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	for _, dir := range exampleDirs(t) {
		name, _ := filepath.Rel(examplesRoot, dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Examples that adopt or read the catalog run against the sample catalog, unless
			// they create images of its names without importing them.
			text := concatFiles(t, dir)
			samples := strings.Contains(text, "\nimport {") || (readsCatalog.MatchString(text) && !createsSampleImage(t, text))
			srv := acctest.NewServer(t, func(o *refserver.Options) { o.Samples = samples })
			srv.RequireHooks(t, "applies and destroys the shipped examples, which import sample images and delete them: it needs a server of its own")
			w := acctest.NewWorkdir(t, "")
			rewrite := func(s string) string { return s }
			if strings.Contains(text, `data "ufdl_image_digest"`) {
				// The example asks the public registry it names, which this machine may not
				// reach: a local registry holding the same repositories stands in for it.
				rewrite = localRegistryFor(t, text)
			}
			for _, skipped := range copyExample(t, dir, w.Dir, rewrite) {
				// An identity import the CLI cannot read is left out: the same import by
				// name:version stands in for it.
				var imports strings.Builder
				for _, m := range identityImport.FindAllStringSubmatch(skipped, -1) {
					fmt.Fprintf(&imports, "import {\n  to = %s\n  id = %q\n}\n", m[1], m[2]+":"+m[3])
				}
				if err := os.WriteFile(filepath.Join(w.Dir, "zz_test_imports.tf"), []byte(imports.String()), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cli := acctest.NewCLI(t, w, srv.Env("TF_VAR_registry_password=example-registry-pw", "TF_VAR_catalog_dir="+absPath(t, seedImages)))
			cli.Must("apply", "-auto-approve")
			cli.ExpectEmptyPlan("after applying the example") // else the example does not converge
			managed := managedPKs(t, cli.Must("show", "-json"))
			for _, pk := range managed {
				if _, err := srv.Image(pk); err != nil {
					t.Errorf("state holds image %d, which the server does not: %v", pk, err)
				}
			}
			cli.Must("destroy", "-auto-approve")
			for _, pk := range managed {
				if _, err := srv.Image(pk); err == nil {
					t.Errorf("destroy left image %d on the server", pk)
				}
			}
		})
	}
}

// readsCatalog matches a data source that reads images from the server.
var readsCatalog = regexp.MustCompile(`(?m)^data "ufdl_dockerimages?" `)

// nameVersionLiterals matches a name and version written as literals, one after the other.
var nameVersionLiterals = regexp.MustCompile(`name\s*=\s*"([^"$]+)"\s*\n\s*version\s*=\s*"([^"$]+)"`)

// createsSampleImage reports whether a ufdl_dockerimage block of text writes the name and
// version of a sample image.
func createsSampleImage(t *testing.T, text string) bool {
	t.Helper()
	samples := sampleNameVersions(t)
	for _, block := range strings.Split(text, `resource "ufdl_dockerimage" `)[1:] {
		block, _, _ = strings.Cut(block, "\n}")
		for _, m := range nameVersionLiterals.FindAllStringSubmatch(block, -1) {
			if samples[m[1]+":"+m[2]] {
				return true
			}
		}
	}
	return false
}

// identityImport matches an import block by name and version in an identity: its target,
// name and version.
var identityImport = regexp.MustCompile(`(?s)import \{\s*to\s*=\s*(\S+)\s*identity = \{\s*name\s*=\s*"([^"]+)"\s*version\s*=\s*"([^"]+)"`)

// concatFiles returns the .tf files of dir, one after the other.
func concatFiles(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(content)
	}
	return b.String()
}

// publicImage matches the images of the real deployment's public registry in an example.
var publicImage = regexp.MustCompile(`public\.aml-repo\.cms\.waikato\.ac\.nz:443/([a-z0-9_./-]+):([A-Za-z0-9_.-]+)`)

// localRegistryFor starts a registry holding an image for every public image text names,
// and returns the rewrite of text's registry host to it.
func localRegistryFor(t *testing.T, text string) func(string) string {
	t.Helper()
	reg := registrytest.StartDistribution(t, false)
	for _, m := range publicImage.FindAllStringSubmatch(text, -1) {
		reg.Push(t, m[1]+":"+m[2], registrytest.DockerImage)
	}
	return func(s string) string { return strings.ReplaceAll(s, "public.aml-repo.cms.waikato.ac.nz:443", reg.Host) }
}

// copyExample copies the example's .tf files into dst, leaving out (and returning) what the
// CLI under test cannot read (identity imports before Terraform 1.12), and adds the
// required_providers block the documentation snippets leave out.
func copyExample(t *testing.T, src, dst string, rewrite func(string) string) (skipped []string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	declared := false
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".tf" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.Name(), "identity") && acctest.CLISkips(t, tfversion.SkipBelow(tfversion.Version1_12_0)) != "" {
			skipped = append(skipped, string(b))
			continue
		}
		declared = declared || strings.Contains(string(b), "required_providers")
		if err := os.WriteFile(filepath.Join(dst, e.Name()), []byte(rewrite(string(b))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !declared {
		if err := os.WriteFile(filepath.Join(dst, "zz_test_provider.tf"), []byte(queryProviderBlock), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return skipped
}

// managedPKs returns the pks of the ufdl_dockerimage resources in `terraform show -json`.
func managedPKs(t *testing.T, showJSON string) []int64 {
	t.Helper()
	var out []int64
	for _, pk := range showPKs(t, showJSON) {
		out = append(out, pk)
	}
	return out
}

// seedImages is the project's copy of the real deployment's catalog files, the ones the
// reference server's -samples loads.
const seedImages = "../refserver/seed/docker_images"

// TestAccAdoptCatalog points examples/adopt-catalog at the seed files over a server that holds
// them: the first plan imports every image and changes nothing, the apply adopts them, and
// an edited file is exactly one update.
func TestAccAdoptCatalog(t *testing.T) {
	t.Parallel()
	srv, cat := samplesServer(t)
	catalog := t.TempDir()
	files, err := filepath.Glob(filepath.Join(seedImages, "*.json"))
	if err != nil || len(files) != len(cat.pks) {
		t.Fatalf("%d seed files (%v), want %d", len(files), err, len(cat.pks))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(catalog, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := acctest.NewWorkdir(t, "")
	copyExample(t, filepath.Join(examplesRoot, "adopt-catalog"), w.Dir, func(s string) string { return s })
	cli := acctest.NewCLI(t, w, srv.Env("TF_VAR_catalog_dir="+catalog))
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(cat.pks))
	if out := cli.Must("plan"); !strings.Contains(out, want) {
		t.Fatalf("the first plan does not just import the catalog (want %q):\n%s", want, out)
	}
	cli.Must("apply", "-auto-approve")
	if _, empty := cli.ExpectEmptyPlan("after adoption"); !empty {
		t.FailNow()
	}
	managed := showPKs(t, cli.Must("show", "-json"))
	for nv, pk := range cat.pks {
		if got := managed[fmt.Sprintf("ufdl_dockerimage.catalog[%q]", nv)]; got != pk {
			t.Errorf("%s: state holds pk %d, the server %d", nv, got, pk)
		}
	}

	edited := filepath.Join(catalog, "yolo-v7_2022-10-08_cuda11.1.json")
	b, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	if acctest.External() {
		// Editing a sample of a shared deployment would change what other tests read, and
		// on PostgreSQL even putting it back leaves the row moved to the end of every
		// unordered list (an update writes a new row version).
		t.Log("adopted; the edit of a catalog file runs against the reference server only")
		return
	}
	edit := cat.pk(t, "yolo:v7_2022-10-08_cuda11.1")
	newURL := "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1-r2"
	b = []byte(strings.Replace(string(b), `"url": "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"`, `"url": "`+newURL+`"`, 1))
	if err := os.WriteFile(edited, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out := cli.Must("plan")
	if !strings.Contains(out, "Plan: 0 to add, 1 to change, 0 to destroy.") ||
		!strings.Contains(out, `ufdl_dockerimage.catalog["yolo:v7_2022-10-08_cuda11.1"] will be updated in-place`) ||
		!strings.Contains(out, `+ "`+newURL+`"`) && !strings.Contains(out, `-> "`+newURL+`"`) {
		t.Errorf("the edited file is not exactly one update of its url:\n%s", out)
	}
	cli.Must("apply", "-auto-approve")
	if img, err := srv.Image(edit); err != nil || img["url"] != newURL {
		t.Errorf("server's url after apply: %v (%v)", img["url"], err)
	}
}

func absPath(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
