// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
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
// sources or imports: each is a configuration a user may apply as it is. Every other folder
// of .tf files must be a release folder (see releaseFor), so that nothing shipped goes
// untested.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs, others []string
	err := filepath.WalkDir(examplesRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" {
			return err
		}
		b, err := os.ReadFile(p)
		dir := filepath.Dir(p)
		switch {
		case err != nil:
		case declaresObjects.Match(b):
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		case filepath.Base(dir) != releaseFolder && !slices.Contains(others, dir):
			others = append(others, dir)
		}
		return err
	})
	if err != nil || len(dirs) < 3 {
		t.Fatalf("listing the examples: %v (%d folders)", err, len(dirs))
	}
	for _, dir := range others {
		if !slices.Contains(dirs, dir) {
			t.Errorf("%s holds .tf files that declare no ufdl resource, data source or import, and is no %s folder: the examples test cannot apply it", dir, releaseFolder)
		}
	}
	return dirs
}

// releaseFolder names the folder beside an example's files that lets go of the images it
// adopted: its removed blocks take the place of the example's configuration.
const releaseFolder = "release"

// releaseFor returns the release folder of the example in dir: the nearest folder named
// release at or above dir, below examples/; "" when there is none.
func releaseFor(dir string) string {
	for d := dir; d != examplesRoot && d != "." && d != string(filepath.Separator); d = filepath.Dir(d) {
		r := filepath.Join(d, releaseFolder)
		if st, err := os.Stat(r); err == nil && st.IsDir() {
			return r
		}
	}
	return ""
}

// TestAccExamples applies every shipped example, unchanged, against a reference server holding
// the sample catalog that `make refserver` serves: the example must converge (an empty plan
// after apply), its release folder, when it has one, must let go of what it adopted with
// another empty plan, and destroy must then leave the sample catalog exactly as it was. An
// import.sh beside an example is run too, as a user would, before the example's own apply.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	for _, dir := range exampleDirs(t) {
		name, _ := filepath.Rel(examplesRoot, dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runExample(t, dir)
		})
	}
}

func runExample(t *testing.T, dir string) {
	srv := acctest.NewServer(t, func(o *refserver.Options) { o.Samples = true })
	srv.RequireHooks(t, "applies and destroys the shipped examples and compares the whole catalog before and after: it needs a server of its own")
	before := catalogByPK(t, srv.Ref.Images())

	w := acctest.NewWorkdir(t, "")
	text := concatFiles(t, dir)
	rewrite := func(s string) string { return s }
	if strings.Contains(text, `data "ufdl_image_digest"`) {
		// The example asks the public registry it names, which this machine may not
		// reach: a local registry holding the same repositories stands in for it.
		rewrite = localRegistryFor(t, text)
	}
	copyExampleWithImports(t, dir, w.Dir, rewrite)
	cli := acctest.NewCLI(t, w, srv.Env(
		"TF_VAR_registry_password=example-registry-pw",
		"TF_VAR_catalog_dir="+absPath(t, seedImages),
		"TF_VAR_seed_dir="+absPath(t, seedDir),
		"TF_VAR_ufdl_host="+srv.URL,
		"TF_VAR_ufdl_password="+srv.AdminPassword,
	))

	tablesBefore := snapshotCatalog(t, srv)
	script := importScript(t, dir)
	if script.imagesOnly {
		runImportScript(t, cli, dir, script, before)
	}

	cli.Must("apply", "-auto-approve")
	if _, empty := cli.ExpectEmptyPlan("after applying the example"); !empty {
		t.FailNow() // the example does not converge
	}
	if len(script.commands) > 0 && !script.imagesOnly {
		reimportWithScript(t, cli, dir, script)
	}
	managed := showPKs(t, cli.Must("show", "-json"))
	for addr, pk := range managed {
		img, ok := srv.Ref.Image(pk)
		switch {
		case !ok:
			t.Errorf("state holds %s as image %d, which the server does not", addr, pk)
		case before[pk] != nil && !reflect.DeepEqual(img, before[pk]):
			t.Errorf("%s adopted sample image %d and changed it:\nbefore %v\nafter  %v", addr, pk, before[pk], img)
		}
	}
	runQueries(t, cli, dir)

	if rel := releaseFor(dir); rel != "" {
		removeConfig(t, w.Dir)
		copyExample(t, rel, w.Dir, func(s string) string { return s })
		cli.Must("apply", "-auto-approve")
		cli.ExpectEmptyPlan("after applying " + rel)
		if left := showPKs(t, cli.Must("show", "-json")); len(left) > 0 {
			t.Errorf("after %s the state still manages %v", rel, left)
		}
	}
	cli.Must("destroy", "-auto-approve")

	after := catalogByPK(t, srv.Ref.Images())
	var deleted, left []string
	for _, pk := range slices.Sorted(maps.Keys(before)) {
		switch img := before[pk]; {
		case after[pk] == nil:
			deleted = append(deleted, nameVersion(img))
		case !reflect.DeepEqual(after[pk], img):
			t.Errorf("the example changed sample image %d:\nbefore %v\nafter  %v", pk, img, after[pk])
		}
	}
	for _, pk := range slices.Sorted(maps.Keys(after)) {
		if before[pk] == nil {
			left = append(left, nameVersion(after[pk]))
		}
	}
	if len(deleted) > 0 {
		t.Errorf("the example deleted %d sample images (%s): an example that adopts images needs a %s folder whose removed blocks let go of them",
			len(deleted), strings.Join(deleted, ", "), releaseFolder)
	}
	if len(left) > 0 {
		t.Errorf("the example left images behind: %s", strings.Join(left, ", "))
	}
	// The images are checked above, by what the example adopts; the tables must be as they were.
	tablesAfter := snapshotCatalog(t, srv)
	for _, table := range catalogTables {
		if table != "docker" && !maps.Equal(tablesAfter[table], tablesBefore[table]) {
			t.Errorf("after destroy the server's %s table differs from the sample catalog's:\nbefore %v\nafter  %v", table, tablesBefore[table], tablesAfter[table])
		}
	}
}

// catalogByPK indexes the reference server's images (response form) by pk.
func catalogByPK(t *testing.T, images []map[string]any) map[int64]map[string]any {
	t.Helper()
	out := map[int64]map[string]any{}
	for _, img := range images {
		pk, ok := img["pk"].(int64)
		if !ok {
			t.Fatalf("the reference server gave an image without an int64 pk: %v", img)
		}
		out[pk] = img
	}
	return out
}

// importCommand matches a `terraform import ADDRESS ID` line of an import.sh.
var importCommand = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)$`)

// exampleScript is an example's import.sh: its import commands (address, ID), and whether
// they all import images. Those import sample images, and run before the example's apply;
// the others import by natural key the rows the example creates, and run after it.
type exampleScript struct {
	commands   [][]string
	imagesOnly bool
}

// importScript reads dir's import.sh; none gives no commands.
func importScript(t *testing.T, dir string) exampleScript {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "import.sh"))
	if os.IsNotExist(err) {
		return exampleScript{}
	} else if err != nil {
		t.Fatal(err)
	}
	s := exampleScript{imagesOnly: true}
	for _, c := range importCommand.FindAllStringSubmatch(string(b), -1) {
		s.commands = append(s.commands, c[1:])
		s.imagesOnly = s.imagesOnly && strings.HasPrefix(c[1], "ufdl_dockerimage.")
	}
	if len(s.commands) == 0 {
		t.Fatalf("%s/import.sh holds no `terraform import ADDRESS ID` line", dir)
	}
	return s
}

// runImportScript runs dir's import.sh, which imports sample images, and checks that every
// address it names now holds the sample image its ID names. It then forgets them again
// (state rm, which leaves the server alone), so that the example's own apply adopts them as
// it would without the script.
func runImportScript(t *testing.T, cli *acctest.CLI, dir string, script exampleScript, catalog map[int64]map[string]any) {
	t.Helper()
	runScript(t, cli, dir)
	byNameVersion := map[string]int64{}
	for pk, img := range catalog {
		byNameVersion[nameVersion(img)] = pk
	}
	imported := showPKs(t, cli.Must("show", "-json"))
	addrs := make([]string, 0, len(script.commands))
	for _, c := range script.commands {
		addr, id := c[0], c[1]
		want, ok := byNameVersion[id]
		if !ok {
			t.Errorf("import.sh imports %q into %s: no image of the sample catalog is named so (use name:version IDs, the same on every deployment)", id, addr)
			continue
		}
		if imported[addr] != want {
			t.Errorf("after import.sh, %s holds pk %d, want %d (%s)", addr, imported[addr], want, id)
		}
		addrs = append(addrs, addr)
	}
	if len(addrs) > 0 {
		cli.Must(append([]string{"state", "rm"}, addrs...)...)
	}
}

// reimportWithScript proves an import.sh that imports the rows the example created: it
// forgets them (state rm), runs the script, and expects each address to hold the same row
// again and the plan to be empty.
func reimportWithScript(t *testing.T, cli *acctest.CLI, dir string, script exampleScript) {
	t.Helper()
	created := showManagedPKs(t, cli.Must("show", "-json"))
	addrs := make([]string, 0, len(script.commands))
	for _, c := range script.commands {
		if created[c[0]] == 0 {
			t.Fatalf("import.sh imports into %s, which the example does not create", c[0])
		}
		addrs = append(addrs, c[0])
	}
	cli.Must(append([]string{"state", "rm"}, addrs...)...)
	runScript(t, cli, dir)
	imported := showManagedPKs(t, cli.Must("show", "-json"))
	for _, c := range script.commands {
		if imported[c[0]] != created[c[0]] {
			t.Errorf("import.sh imported %s as pk %d, the example created pk %d (ID %s)", c[0], imported[c[0]], created[c[0]], c[1])
		}
	}
	cli.ExpectEmptyPlan("after import.sh imported the example's rows again")
}

// runScript runs dir's import.sh with bash in the example's working directory, with the CLI
// under test as `terraform` on PATH.
func runScript(t *testing.T, cli *acctest.CLI, dir string) {
	t.Helper()
	shim := t.TempDir()
	tf, err := exec.LookPath(acctest.TerraformBinary())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tf, filepath.Join(shim, "terraform")); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(cli.Dir, "cli.tfrc") // written by acctest.NewWorkdir
	if _, err := os.Stat(cliConfig); err != nil {
		t.Fatalf("the working directory has no CLI configuration: %v", err)
	}
	cmd := exec.Command("bash", "-e", filepath.Join(absPath(t, dir), "import.sh"))
	cmd.Dir = cli.Dir
	cmd.Env = append(os.Environ(), cli.Env...)
	cmd.Env = append(cmd.Env, "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash %s/import.sh: %v\n%s", dir, err, out)
	}
}

// showManagedPKs reads the pk of every managed ufdl resource, by address, from `terraform
// show -json`.
func showManagedPKs(t *testing.T, showJSON string) map[string]int64 {
	t.Helper()
	var state tfjson.State
	if err := state.UnmarshalJSON([]byte(showJSON)); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	if state.Values == nil || state.Values.RootModule == nil {
		return out
	}
	for _, res := range state.Values.RootModule.Resources {
		if res.Mode == tfjson.ManagedResourceMode && strings.HasPrefix(res.Type, "ufdl_") {
			pk, _ := res.AttributeValues["pk"].(float64)
			out[res.Address] = int64(pk)
		}
	}
	return out
}

// runQueries runs `terraform query` over the example's .tfquery.hcl files, on CLIs that have
// it (Terraform 1.14 and later), and expects in what it lists, for each list block, the
// sample row queryFinds names.
func runQueries(t *testing.T, cli *acctest.CLI, dir string) {
	t.Helper()
	queries, err := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
	if err != nil || len(queries) == 0 {
		return
	}
	if why := acctest.CLISkips(t, tfversion.SkipBelow(tfversion.Version1_14_0)); why != "" {
		t.Logf("%v not run: %s", queries, why)
		return
	}
	var blocks []string
	for _, q := range queries {
		b, err := os.ReadFile(q)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cli.Dir, filepath.Base(q)), b, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, m := range listBlock.FindAllStringSubmatch(string(b), -1) {
			blocks = append(blocks, "list."+m[1]+"."+m[2])
		}
	}
	out := cli.Must("query")
	for _, addr := range blocks {
		want, ok := queryFinds[addr]
		if !ok {
			t.Errorf("%s is a list block of a shipped query: say in queryFinds which sample row it finds", addr)
			continue
		}
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(addr) + `\s.*` + regexp.QuoteMeta(want+" (pk ")).MatchString(out) {
			t.Errorf("terraform query does not list %s in %s:\n%s", want, addr, out)
		}
	}
}

// listBlock matches a list block of a query file: its type and name.
var listBlock = regexp.MustCompile(`(?m)^list "([^"]+)" "([^"]+)"`)

// queryFinds names, for the list blocks of the shipped queries, a sample row each must list
// (its display name before the pk).
var queryFinds = map[string]string{
	"list.ufdl_dockerimage.gpu_detectors": "yolo:v7_2022-10-08_cuda11.1",
	"list.ufdl_framework.mmdetection":     "mmdetection:2020-10-11",
	"list.ufdl_cuda_version.cuda_11":      "11.8",
	"list.ufdl_hardware_generation.all":   "Hopper",
	"list.ufdl_licence.gpl":               "LGPL3",
	"list.ufdl_job_contract.standard":     "Train",
}

// removeConfig deletes the .tf files of a working directory, keeping its state.
func removeConfig(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
}

// copyExampleWithImports is copyExample, and writes, for the identity imports the CLI under
// test cannot read, the same imports by name:version.
func copyExampleWithImports(t *testing.T, src, dst string, rewrite func(string) string) {
	t.Helper()
	skipped := copyExample(t, src, dst, rewrite)
	if len(skipped) == 0 {
		return
	}
	var imports strings.Builder
	for _, f := range skipped {
		for _, m := range identityImport.FindAllStringSubmatch(f, -1) {
			var key []string
			for _, kv := range identityValue.FindAllStringSubmatch(m[2], -1) {
				key = append(key, kv[1])
			}
			fmt.Fprintf(&imports, "import {\n  to = %s\n  id = %q\n}\n", m[1], strings.Join(key, ":"))
		}
	}
	if err := os.WriteFile(filepath.Join(dst, "zz_test_imports.tf"), []byte(imports.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// identityImport matches an import block by identity: its target and the identity's body,
// whose values (identityValue) are the parts of the import ID by natural key, in the order
// the examples write them ("name:version").
var (
	identityImport = regexp.MustCompile(`(?s)import \{\s*to\s*=\s*(\S+)\s*identity\s*=\s*\{([^}]*)\}`)
	identityValue  = regexp.MustCompile(`\w+\s*=\s*"([^"]*)"`)
)

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
