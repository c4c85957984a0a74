// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The lifecycle matrix drives the real CLI through every Terraform lifecycle feature a user
// may reach for, for docker images and for each catalog resource, each scenario against its
// own server. Each scenario ends with the server holding exactly the objects the state holds
// (none lost, none orphaned) and an empty plan.

// lifecycleRun is one working directory with its terraform environment, its server, the
// objects' name prefix and the resource type under test.
type lifecycleRun struct {
	*acctest.CLI
	srv    *acctest.Server
	prefix string
	obj    *lifecycleObjects
}

// lifecycleObjects are the objects of one resource type in one run: how its blocks read, and
// how the test reaches them on the server.
type lifecycleObjects struct {
	typ string
	// vars declares the variables the blocks use besides prefix and tag; env sets them.
	vars string
	env  []string
	// block renders <typ>.<label> with count objects named after the prefix, the label and
	// count.index, whose attribute tagged follows var.tag, plus extra lines (a lifecycle
	// block, say); rekeyed renders the same block with objects of other natural keys.
	block   func(label string, count int, extra string) string
	rekeyed func(label string, count int, extra string) string
	// owned lists the pks of the run's objects on the server.
	owned func() ([]int64, error)
	// tagged is the attribute var.tag sets; tags are var.tag's two values, the first the
	// default; tagFor is what object label[i] holds under tag, read what object pk holds.
	tagged string
	tags   [2]string
	tagFor func(label string, i int, tag string) any
	read   func(pk int64) (any, error)
	// change sets tagged of object pk behind Terraform's back to a value the CLI prints as shown.
	change func(pk int64) error
	shown  string
	// create makes object label[i] under the first tag behind Terraform's back, and returns
	// its import ID.
	create func(t *testing.T, label string, i int) string
}

// lifecycleSubject is a resource type of the matrix; start prepares its objects for a run.
type lifecycleSubject struct {
	name  string
	start func(t *testing.T, srv *acctest.Server, prefix string) *lifecycleObjects
}

// lifecycleSubjects are docker images and the five catalog resources.
func lifecycleSubjects() []lifecycleSubject {
	out := []lifecycleSubject{{"image", imageObjects}}
	for _, k := range catalogKinds {
		out = append(out, lifecycleSubject{k.name, k.lifecycleObjects})
	}
	return out
}

func newLifecycleRun(t *testing.T, subject lifecycleSubject) *lifecycleRun {
	t.Helper()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("life")
	obj := subject.start(t, srv, prefix)
	env := srv.Env(append([]string{"TF_VAR_prefix=" + prefix}, obj.env...)...)
	return &lifecycleRun{CLI: acctest.NewCLI(t, acctest.NewWorkdir(t, queryProviderBlock), env), srv: srv, prefix: prefix, obj: obj}
}

// imageObjects are docker images of yolo v7, named <prefix>-<label>-<i>, whose url follows
// var.tag.
func imageObjects(t *testing.T, srv *acctest.Server, prefix string) *lifecycleObjects {
	srv.RemoveAtEnd(t, prefix)
	url := func(label string, i int, tag string) string {
		return fmt.Sprintf("registry.example.com:443/team/%s-%d:%s", label, i, tag)
	}
	return &lifecycleObjects{
		typ:   "ufdl_dockerimage",
		vars:  "variable \"framework\" {\n  type = number\n}\n",
		env:   []string{fmt.Sprintf("TF_VAR_framework=%d", yoloV7(t, srv))},
		block: image,
		rekeyed: func(label string, count int, extra string) string {
			return strings.Replace(image(label, count, extra), `version                 = "v1"`, `version                 = "v2"`, 1)
		},
		owned: func() ([]int64, error) {
			images, err := srv.ImagesNamed(prefix)
			pks := make([]int64, len(images))
			for i, img := range images {
				pks[i] = acctest.PK(img)
			}
			return pks, err
		},
		tagged: "url",
		tags:   [2]string{"v1", "v2"},
		tagFor: func(label string, i int, tag string) any { return url(label, i, tag) },
		read: func(pk int64) (any, error) {
			img, err := srv.Image(pk)
			return img["url"], err
		},
		change: func(pk int64) error { return srv.PatchImage(pk, map[string]any{"url": "elsewhere.example.com/x:9"}) },
		shown:  `"elsewhere.example.com/x:9"`,
		create: func(t *testing.T, label string, i int) string {
			name := fmt.Sprintf("%s-%s-%d", prefix, label, i)
			srv.CreateImage(t, imageBody(t, srv, name, "v1", url(label, i, "v1"), "Train", "Predict"))
			return name + ":v1"
		},
	}
}

// lifecycleCounts are the names the scenarios give objects (a block's label, or x2 for x
// rekeyed) and the most objects of each: per-object values are drawn for these.
var lifecycleCounts = map[string]int{"x": 2, "x2": 1, "kept": 1}

// lifecycleObjects are rows of k written from k.life's templates.
func (k catalogKind) lifecycleObjects(t *testing.T, srv *acctest.Server, prefix string) *lifecycleObjects {
	life := k.life
	short := "tf" + acctest.RandomSuffix()
	per := map[string][]string{}
	var perHCL []string
	if life.per != nil {
		for _, label := range slices.Sorted(maps.Keys(lifecycleCounts)) {
			for range lifecycleCounts[label] {
				per[label] = append(per[label], life.per(t, srv))
			}
			perHCL = append(perHCL, fmt.Sprintf("%s = [%s]", label, strings.Join(quoteEach(per[label]), ", ")))
		}
	}
	// object is object label[i] under tag, as the block writes it.
	object := func(label string, i int, tag string) fields {
		own := ""
		if i < len(per[label]) {
			own = per[label][i]
		}
		f := fields{}
		for a, tmpl := range life.attrs {
			v := strings.NewReplacer("{prefix}", prefix, "{short}", short, "{label}", label, "{i}", strconv.Itoa(i), "{tag}", tag,
				"{per}", own).Replace(tmpl)
			if slices.Contains(life.numbers, a) {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s of %s: %v", a, k.typ, err)
				}
				f[a] = n
			} else {
				f[a] = v
			}
		}
		return f
	}
	// blockNamed renders resource <typ>.<label> whose objects are named after name.
	blockNamed := func(label, name string, count int, extra string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "\nresource %q %q {\n  count = %d\n", k.typ, label, count)
		for _, a := range slices.Sorted(maps.Keys(life.attrs)) {
			v := strings.NewReplacer("{prefix}", "${var.prefix}", "{short}", "${var.short}", "{label}", name, "{i}", "${count.index}",
				"{tag}", "${var.tag}", "{per}", fmt.Sprintf("${var.per[%q][count.index]}", name)).Replace(life.attrs[a])
			fmt.Fprintf(&b, "  %s = \"%s\"\n", a, v) // a template: its quotes are not escaped
		}
		return b.String() + extra + "\n}\n"
	}
	owner, _, _ := strings.Cut(life.attrs[k.tagField], "{label}")
	owner = strings.NewReplacer("{prefix}", prefix, "{short}", short).Replace(owner)
	srv.RemoveRowsAtEnd(t, k.path, k.tagField, owner)
	return &lifecycleObjects{
		typ:   k.typ,
		vars:  "variable \"short\" {\n  type = string\n}\nvariable \"per\" {\n  type    = map(list(string))\n  default = {}\n}\n",
		env:   []string{"TF_VAR_short=" + short, "TF_VAR_per={" + strings.Join(perHCL, ", ") + "}", "TF_VAR_tag=" + life.tags[0]},
		block: func(label string, count int, extra string) string { return blockNamed(label, label, count, extra) },
		rekeyed: func(label string, count int, extra string) string {
			return blockNamed(label, label+"2", count, extra)
		},
		owned: func() ([]int64, error) {
			rows, err := srv.RowsWhere(k.path, k.tagField, owner)
			pks := make([]int64, len(rows))
			for i, r := range rows {
				pks[i] = acctest.PK(r)
			}
			return pks, err
		},
		tagged: life.tagged,
		tags:   life.tags,
		tagFor: func(label string, i int, tag string) any { return object(label, i, tag)[life.tagged] },
		read: func(pk int64) (any, error) {
			row, err := srv.Row(k.path, pk)
			return row[life.tagged], err
		},
		change: func(pk int64) error { return srv.PatchRow(k.path, pk, fields{life.tagged: life.outside}) },
		shown:  life.shown,
		create: func(t *testing.T, label string, i int) string {
			f := object(label, i, life.tags[0])
			srv.CreateRow(t, k.path, f)
			return k.importID(f)
		},
	}
}

// quoteEach quotes every string of ss.
func quoteEach(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// image renders ufdl_dockerimage.<label> with count images named <prefix>-<label>-<i>, whose
// url tag is var.tag (default "v1"), plus extra lines (a lifecycle block, say).
func image(label string, count int, extra string) string {
	return fmt.Sprintf(`
resource "ufdl_dockerimage" %[1]q {
  count                   = %[2]d
  name                    = "${var.prefix}-%[1]s-${count.index}"
  version                 = "v1"
  url                     = "registry.example.com:443/team/%[1]s-${count.index}:${var.tag}"
  registry_url            = "registry.example.com:443"
  cuda_version            = "11.1"
  framework               = var.framework
  domain                  = "od"
  tasks                   = ["Train", "Predict"]
  min_hardware_generation = "Pascal"
  licence                 = "MIT"
%[3]s
}
`, label, count, extra)
}

// lifecycleVars declares the variables every run's blocks use.
const lifecycleVars = `
variable "prefix" {
  type = string
}
variable "tag" {
  type    = string
  default = "v1"
}
`

// configure writes the configuration: the provider block, the variables and blocks.
func (r *lifecycleRun) configure(blocks ...string) {
	r.T.Helper()
	writeConfig(r.T, r.Dir, queryProviderBlock+lifecycleVars+r.obj.vars+strings.Join(blocks, "\n"))
}

// block renders the run's <typ>.<label> (see lifecycleObjects.block).
func (r *lifecycleRun) block(label string, count int, extra string) string {
	return r.obj.block(label, count, extra)
}

// addr is the address of the run's <typ>.<instance> ("x[0]").
func (r *lifecycleRun) addr(instance string) string { return r.obj.typ + "." + instance }

// apply runs apply -auto-approve with args and fails the test when it fails.
func (r *lifecycleRun) apply(args ...string) string {
	r.T.Helper()
	return r.Must(append([]string{"apply", "-auto-approve"}, args...)...)
}

// applyConfig configures blocks and applies them: where every scenario starts.
func (r *lifecycleRun) applyConfig(blocks ...string) {
	r.T.Helper()
	r.configure(blocks...)
	r.apply()
}

// expectIn reports an error, what went wrong, unless out contains want.
func (r *lifecycleRun) expectIn(out, want, what string) {
	r.T.Helper()
	if !strings.Contains(out, want) {
		r.T.Errorf("%s:\n%s", what, out)
	}
}

// statePKs returns the pk of every object of the run's type in state, by address.
func (r *lifecycleRun) statePKs() map[string]int64 {
	r.T.Helper()
	return showPKsOf(r.T, r.Must("show", "-json"), r.obj.typ)
}

// pk returns the pk state holds for <typ>.<instance> ("x[0]"), 0 for none.
func (r *lifecycleRun) pk(instance string) int64 {
	r.T.Helper()
	return r.statePKs()[r.addr(instance)]
}

// changeOutside changes the tagged attribute of <typ>.<instance> behind Terraform's back.
func (r *lifecycleRun) changeOutside(instance string) {
	r.T.Helper()
	if err := r.obj.change(r.pk(instance)); err != nil {
		r.T.Fatal(err)
	}
}

// showPKs reads the pk of every ufdl_dockerimage, by address, from `terraform show -json`.
func showPKs(t *testing.T, showJSON string) map[string]int64 {
	t.Helper()
	return showPKsOf(t, showJSON, "ufdl_dockerimage")
}

// showPKsOf reads the pk of every managed resource of type typ, by address, from
// `terraform show -json`.
func showPKsOf(t *testing.T, showJSON, typ string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for addr, values := range showResources(t, showJSON) {
		if strings.HasPrefix(addr, typ+".") {
			pk, _ := values["pk"].(float64)
			out[addr] = int64(pk)
		}
	}
	return out
}

// serverPKs returns the pks of this run's objects on the server, sorted.
func (r *lifecycleRun) serverPKs() []int64 {
	r.T.Helper()
	pks, err := r.obj.owned()
	if err != nil {
		r.T.Fatal(err)
	}
	slices.Sort(pks)
	return pks
}

// converged checks that the server holds exactly the state's objects (besides those in
// unmanaged) and that a plan is empty.
func (r *lifecycleRun) converged(unmanaged ...int64) {
	r.T.Helper()
	want := append([]int64{}, unmanaged...)
	for _, pk := range r.statePKs() {
		want = append(want, pk)
	}
	slices.Sort(want)
	if got := r.serverPKs(); !slices.Equal(got, want) {
		r.T.Errorf("server holds %s %v, state and the unmanaged ones %v", r.obj.typ, got, want)
	}
	r.ExpectEmptyPlan("after the scenario")
}

// lifecycleScenarios are the subtests of TestAccLifecycle: each runs for every subject, each
// on a lifecycleRun of its own, on the CLIs that pass needs.
var lifecycleScenarios = []struct {
	name  string
	needs []tfversion.TerraformVersionCheck
	run   func(t *testing.T, r *lifecycleRun)
}{
	{"replace", nil, lifecycleReplace},
	{"taint", nil, lifecycleTaint},
	{"replace_triggered_by", nil, lifecycleReplaceTriggeredBy},
	{"create_before_destroy", nil, lifecycleCreateBeforeDestroy},
	{"prevent_destroy", nil, lifecyclePreventDestroy},
	{"ignore_changes", nil, lifecycleIgnoreChanges},
	{"moved", nil, lifecycleMoved},
	// removed blocks came with Terraform 1.7 and OpenTofu 1.7.
	{"removed", []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)}, lifecycleRemoved},
	{"import_block", nil, lifecycleImportBlock},
	{"target", nil, lifecycleTarget},
	{"refresh_only", nil, lifecycleRefreshOnly},
}

func TestAccLifecycle(t *testing.T) {
	t.Parallel()
	for _, sc := range lifecycleScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			if len(sc.needs) > 0 {
				acctest.CheckCLI(t, sc.needs...)
			}
			for _, subject := range lifecycleSubjects() {
				t.Run(subject.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, newLifecycleRun(t, subject))
				})
			}
		})
	}
}

func lifecycleReplace(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 2, ""))
	before := r.statePKs()
	r.expectIn(r.apply("-replace="+r.addr("x[0]")), "1 added, 0 changed, 1 destroyed", "apply -replace did not replace one object")
	after := r.statePKs()
	if after[r.addr("x[0]")] == before[r.addr("x[0]")] || after[r.addr("x[1]")] != before[r.addr("x[1]")] {
		t.Errorf("pks before %v, after %v: want x[0] new and x[1] kept", before, after)
	}
	r.converged()
}

func lifecycleTaint(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 2, ""))
	before := r.pk("x[1]")
	r.Must("taint", r.addr("x[1]"))
	// Terraform says "so must be replaced", OpenTofu "so it must be replaced".
	if out := r.Must("plan"); !regexp.MustCompile(regexp.QuoteMeta(r.addr("x[1]")) + ` is tainted, so (it )?must be replaced`).MatchString(out) {
		t.Errorf("plan after taint does not replace x[1]:\n%s", out)
	}
	r.apply()
	if after := r.pk("x[1]"); after == before {
		t.Errorf("tainted object kept its pk %d", after)
	}
	r.converged()
}

func lifecycleReplaceTriggeredBy(t *testing.T, r *lifecycleRun) {
	trigger := "variable \"revision\" {\n  type = number\n}\nresource \"terraform_data\" \"revision\" {\n  input = var.revision\n}\n"
	r.configure(trigger, r.block("x", 1, "  lifecycle {\n    replace_triggered_by = [terraform_data.revision]\n  }"))
	r.apply("-var=revision=1")
	before := r.pk("x[0]")
	r.expectIn(r.apply("-var=revision=2"), r.addr("x[0]")+": Destruction complete", "a new revision did not replace the object")
	if r.pk("x[0]") == before {
		t.Errorf("replaced object kept its pk")
	}
	r.Env = append(r.Env, "TF_VAR_revision=2")
	r.converged()
}

func lifecycleCreateBeforeDestroy(t *testing.T, r *lifecycleRun) {
	cbd := "  lifecycle {\n    create_before_destroy = true\n  }"
	r.applyConfig(r.block("x", 1, cbd))
	before := r.pk("x[0]")
	// The replacement holds the natural key the old object holds: the server cannot have both.
	out := oneLine(r.MustFail("apply", "-auto-approve", "-replace="+r.addr("x[0]")))
	for _, want := range []string{"Already Exists", "with lifecycle { create_before_destroy = true }, the two cannot exist at once", "was not changed."} {
		if !strings.Contains(out, want) {
			t.Errorf("the refused replacement does not say %q:\n%s", want, out)
		}
	}
	if after := r.pk("x[0]"); after != before {
		t.Errorf("state lost the object: before %d, after %d", before, after)
	}
	if got, err := r.obj.read(before); err != nil || !sameJSONValue(got, r.obj.tagFor("x", 0, r.obj.tags[0])) {
		t.Errorf("the old object changed: %s = %v (%v)", r.obj.tagged, got, err)
	}
	if got := r.serverPKs(); !slices.Equal(got, []int64{before}) {
		t.Errorf("server holds %v, want only the old object %d", got, before)
	}
	// Terraform keeps the old object as a deposed one, to be destroyed after its replacement
	// exists: a replacement with other keys goes through.
	r.configure(r.obj.rekeyed("x", 1, cbd))
	r.expectIn(r.apply(), "1 added, 0 changed, 1 destroyed", "the replacement with other keys")
	r.converged()
}

func lifecyclePreventDestroy(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 1, "  lifecycle {\n    prevent_destroy = true\n  }"))
	r.expectIn(r.MustFail("destroy", "-auto-approve"), "prevent_destroy", "destroy was not refused for prevent_destroy")
	r.converged()
	r.configure(r.block("x", 1, ""))
	r.Must("destroy", "-auto-approve")
	if got := r.serverPKs(); len(got) != 0 {
		t.Errorf("destroy left %v", got)
	}
}

func lifecycleIgnoreChanges(_ *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 1, fmt.Sprintf("  lifecycle {\n    ignore_changes = [%s]\n  }", r.obj.tagged)))
	r.changeOutside("x[0]")
	r.converged() // the value changed outside is ignored
	r.Env = append(r.Env, "TF_VAR_tag="+r.obj.tags[1])
	r.converged() // and so is a new value in the configuration
}

func lifecycleMoved(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 1, ""))
	pk := r.pk("x[0]")
	// The block is renamed; its objects keep their names, which come from the label "x".
	renamed := strings.Replace(r.block("x", 1, ""), fmt.Sprintf("resource %q %q", r.obj.typ, "x"), fmt.Sprintf("resource %q %q", r.obj.typ, "y"), 1)
	r.configure(renamed, fmt.Sprintf("moved {\n  from = %s\n  to   = %s\n}\n", r.addr("x"), r.addr("y")))
	if out := r.Must("plan"); !strings.Contains(out, "has moved to "+r.addr("y[0]")) || !strings.Contains(out, "0 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan of the move:\n%s", out)
	}
	r.apply()
	if got := r.pk("y[0]"); got != pk {
		t.Errorf("moved object has pk %d, want %d", got, pk)
	}
	r.converged()
}

func lifecycleRemoved(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 1, ""), r.block("kept", 1, ""))
	kept := r.pk("kept[0]")
	r.configure(r.block("x", 1, ""), fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", r.addr("kept")))
	r.expectIn(r.apply(), "0 destroyed", "removed with destroy = false destroyed something")
	if _, ok := r.statePKs()[r.addr("kept[0]")]; ok {
		t.Error("the removed object is still in state")
	}
	r.converged(kept) // left on the server, no longer managed
}

func lifecycleImportBlock(t *testing.T, r *lifecycleRun) {
	id := r.obj.create(t, "x", 0)
	r.configure(r.block("x", 1, ""), fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", r.addr("x[0]"), id))
	r.expectIn(r.apply(), "1 imported, 0 added, 0 changed, 0 destroyed", "import block")
	r.converged()
}

func lifecycleTarget(t *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 2, ""))
	pks := r.statePKs()
	r.Env = append(r.Env, "TF_VAR_tag="+r.obj.tags[1])
	r.expectIn(r.apply("-target="+r.addr("x[0]")), "0 added, 1 changed, 0 destroyed", "targeted apply")
	// x[0] has the new tag, x[1] the old one still.
	for i, tag := range []string{r.obj.tags[1], r.obj.tags[0]} {
		instance := fmt.Sprintf("x[%d]", i)
		got, err := r.obj.read(pks[r.addr(instance)])
		if want := r.obj.tagFor("x", i, tag); err != nil || !sameJSONValue(got, want) {
			t.Errorf("after -target: %s %s = %v (%v), want %v", instance, r.obj.tagged, got, err, want)
		}
	}
	r.apply()
	r.converged()
}

func lifecycleRefreshOnly(_ *testing.T, r *lifecycleRun) {
	r.applyConfig(r.block("x", 1, ""))
	r.changeOutside("x[0]")
	r.expectIn(r.apply("-refresh-only"), r.obj.shown, "refresh-only does not show the change made outside")
	r.expectIn(r.Must("state", "show", r.addr("x[0]")), r.obj.shown, "state does not hold the refreshed value")
	r.apply()
	r.converged()
}
