package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The lifecycle matrix drives the real CLI through every Terraform lifecycle feature a user
// may reach for, each against its own server. Each scenario ends with the server holding
// exactly the images the state holds (none lost, none orphaned) and an empty plan.

// lifecycleRun is one working directory with its terraform environment, its server and the
// images' name prefix.
type lifecycleRun struct {
	*acctest.CLI
	srv    *acctest.Server
	prefix string
}

func newLifecycleRun(t *testing.T) *lifecycleRun {
	t.Helper()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("life")
	srv.RemoveAtEnd(t, prefix)
	env := srv.Env("TF_VAR_prefix="+prefix, fmt.Sprintf("TF_VAR_framework=%d", yoloV7(t, srv)))
	return &lifecycleRun{CLI: acctest.NewCLI(t, acctest.NewWorkdir(t, queryProviderBlock), env), srv: srv, prefix: prefix}
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

// lifecycleVars declares what image() uses.
const lifecycleVars = `
variable "prefix" {
  type = string
}
variable "framework" {
  type = number
}
variable "tag" {
  type    = string
  default = "v1"
}
`

// configure writes the configuration: the provider block, the variables and blocks.
func (r *lifecycleRun) configure(blocks ...string) {
	r.T.Helper()
	cfg := queryProviderBlock + lifecycleVars + strings.Join(blocks, "\n")
	if err := os.WriteFile(filepath.Join(r.Dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		r.T.Fatal(err)
	}
}

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

// statePKs returns the pk of every ufdl_dockerimage in state, by address.
func (r *lifecycleRun) statePKs() map[string]int64 {
	r.T.Helper()
	return showPKs(r.T, r.Must("show", "-json"))
}

// pk returns the pk state holds for ufdl_dockerimage.<instance> ("x[0]"), 0 for none.
func (r *lifecycleRun) pk(instance string) int64 {
	r.T.Helper()
	return r.statePKs()["ufdl_dockerimage."+instance]
}

// patchOutside changes the image of ufdl_dockerimage.<instance> behind Terraform's back.
func (r *lifecycleRun) patchOutside(instance string, body map[string]any) {
	r.T.Helper()
	if err := r.srv.PatchImage(r.pk(instance), body); err != nil {
		r.T.Fatal(err)
	}
}

// showPKs reads the pk of every ufdl_dockerimage, by address, from `terraform show -json`.
func showPKs(t *testing.T, showJSON string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for addr, values := range showResources(t, showJSON) {
		if strings.HasPrefix(addr, "ufdl_dockerimage.") {
			pk, _ := values["pk"].(float64)
			out[addr] = int64(pk)
		}
	}
	return out
}

// serverPKs returns the pks of this run's images on the server, sorted.
func (r *lifecycleRun) serverPKs() []int64 {
	r.T.Helper()
	images, err := r.srv.ImagesNamed(r.prefix)
	if err != nil {
		r.T.Fatal(err)
	}
	var pks []int64
	for _, img := range images {
		pks = append(pks, acctest.PK(img))
	}
	slices.Sort(pks)
	return pks
}

// converged checks that the server holds exactly the state's images (besides those in
// unmanaged) and that a plan is empty.
func (r *lifecycleRun) converged(unmanaged ...int64) {
	r.T.Helper()
	want := append([]int64{}, unmanaged...)
	for _, pk := range r.statePKs() {
		want = append(want, pk)
	}
	slices.Sort(want)
	if got := r.serverPKs(); !slices.Equal(got, want) {
		r.T.Errorf("server holds images %v, state and the unmanaged ones %v", got, want)
	}
	r.ExpectEmptyPlan("after the scenario")
}

// lifecycleScenarios are the subtests of TestAccLifecycle: each runs on a lifecycleRun of its
// own, on the CLIs that pass needs.
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
			sc.run(t, newLifecycleRun(t))
		})
	}
}

func lifecycleReplace(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 2, ""))
	before := r.statePKs()
	r.expectIn(r.apply("-replace=ufdl_dockerimage.x[0]"), "1 added, 0 changed, 1 destroyed", "apply -replace did not replace one image")
	after := r.statePKs()
	if after["ufdl_dockerimage.x[0]"] == before["ufdl_dockerimage.x[0]"] || after["ufdl_dockerimage.x[1]"] != before["ufdl_dockerimage.x[1]"] {
		t.Errorf("pks before %v, after %v: want x[0] new and x[1] kept", before, after)
	}
	r.converged()
}

func lifecycleTaint(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 2, ""))
	before := r.pk("x[1]")
	r.Must("taint", "ufdl_dockerimage.x[1]")
	// Terraform says "so must be replaced", OpenTofu "so it must be replaced".
	if out := r.Must("plan"); !regexp.MustCompile(`ufdl_dockerimage\.x\[1\] is tainted, so (it )?must be replaced`).MatchString(out) {
		t.Errorf("plan after taint does not replace x[1]:\n%s", out)
	}
	r.apply()
	if after := r.pk("x[1]"); after == before {
		t.Errorf("tainted image kept its pk %d", after)
	}
	r.converged()
}

func lifecycleReplaceTriggeredBy(t *testing.T, r *lifecycleRun) {
	trigger := "variable \"revision\" {\n  type = number\n}\nresource \"terraform_data\" \"revision\" {\n  input = var.revision\n}\n"
	r.configure(trigger, image("x", 1, "  lifecycle {\n    replace_triggered_by = [terraform_data.revision]\n  }"))
	r.apply("-var=revision=1")
	before := r.pk("x[0]")
	r.expectIn(r.apply("-var=revision=2"), "ufdl_dockerimage.x[0]: Destruction complete", "a new revision did not replace the image")
	if r.pk("x[0]") == before {
		t.Errorf("replaced image kept its pk")
	}
	r.Env = append(r.Env, "TF_VAR_revision=2")
	r.converged()
}

func lifecycleCreateBeforeDestroy(t *testing.T, r *lifecycleRun) {
	cbd := image("x", 1, "  lifecycle {\n    create_before_destroy = true\n  }")
	r.applyConfig(cbd)
	before := r.pk("x[0]")
	out := r.MustFail("apply", "-auto-approve", "-replace=ufdl_dockerimage.x[0]")
	for _, want := range []string{"Docker Image Already Exists", "create_before_destroy", "The existing image was not changed"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the refused replacement does not say %q:\n%s", want, out)
		}
	}
	if after := r.pk("x[0]"); after != before {
		t.Errorf("state lost the image: before %d, after %d", before, after)
	}
	img, err := r.srv.Image(before)
	if err != nil || img["url"] != "registry.example.com:443/team/x-0:v1" {
		t.Errorf("the old image changed: %v %v", img, err)
	}
	if got := r.serverPKs(); !slices.Equal(got, []int64{before}) {
		t.Errorf("server holds %v, want only the old image %d", got, before)
	}
	// Terraform keeps the old image as a deposed object, to be destroyed after its
	// replacement exists: a replacement with another version goes through.
	r.configure(strings.Replace(cbd, `version                 = "v1"`, `version                 = "v2"`, 1))
	r.expectIn(r.apply(), "1 added, 0 changed, 1 destroyed", "the replacement with another version")
	r.converged()
}

func lifecyclePreventDestroy(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 1, "  lifecycle {\n    prevent_destroy = true\n  }"))
	r.expectIn(r.MustFail("destroy", "-auto-approve"), "prevent_destroy", "destroy was not refused for prevent_destroy")
	r.converged()
	r.configure(image("x", 1, ""))
	r.Must("destroy", "-auto-approve")
	if got := r.serverPKs(); len(got) != 0 {
		t.Errorf("destroy left %v", got)
	}
}

func lifecycleIgnoreChanges(_ *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 1, "  lifecycle {\n    ignore_changes = [url]\n  }"))
	r.patchOutside("x[0]", map[string]any{"url": "elsewhere.example.com/x:9"})
	r.converged() // the url changed outside is ignored
	r.Env = append(r.Env, "TF_VAR_tag=v2")
	r.converged() // and so is a new url in the configuration
}

func lifecycleMoved(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 1, ""))
	pk := r.pk("x[0]")
	// The block is renamed; its images keep their names through a variable-free copy.
	renamed := strings.Replace(image("x", 1, ""), `resource "ufdl_dockerimage" "x"`, `resource "ufdl_dockerimage" "y"`, 1)
	r.configure(renamed, "moved {\n  from = ufdl_dockerimage.x\n  to   = ufdl_dockerimage.y\n}\n")
	if out := r.Must("plan"); !strings.Contains(out, "has moved to ufdl_dockerimage.y[0]") || !strings.Contains(out, "0 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan of the move:\n%s", out)
	}
	r.apply()
	if got := r.pk("y[0]"); got != pk {
		t.Errorf("moved image has pk %d, want %d", got, pk)
	}
	r.converged()
}

func lifecycleRemoved(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 1, ""), image("kept", 1, ""))
	kept := r.pk("kept[0]")
	r.configure(image("x", 1, ""), "removed {\n  from = ufdl_dockerimage.kept\n  lifecycle {\n    destroy = false\n  }\n}\n")
	r.expectIn(r.apply(), "0 destroyed", "removed with destroy = false destroyed something")
	if _, ok := r.statePKs()["ufdl_dockerimage.kept[0]"]; ok {
		t.Error("the removed image is still in state")
	}
	r.converged(kept) // left on the server, no longer managed
}

func lifecycleImportBlock(t *testing.T, r *lifecycleRun) {
	r.srv.CreateImage(t, imageBody(t, r.srv, r.prefix+"-x-0", "v1", "registry.example.com:443/team/x-0:v1", "Train", "Predict"))
	r.configure(image("x", 1, ""), fmt.Sprintf("import {\n  to = ufdl_dockerimage.x[0]\n  id = %q\n}\n", r.prefix+"-x-0:v1"))
	r.expectIn(r.apply(), "1 imported, 0 added, 0 changed, 0 destroyed", "import block")
	r.converged()
}

func lifecycleTarget(t *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 2, ""))
	pks := r.statePKs()
	r.Env = append(r.Env, "TF_VAR_tag=v2")
	r.expectIn(r.apply("-target=ufdl_dockerimage.x[0]"), "0 added, 1 changed, 0 destroyed", "targeted apply")
	first, _ := r.srv.Image(pks["ufdl_dockerimage.x[0]"])
	second, _ := r.srv.Image(pks["ufdl_dockerimage.x[1]"])
	if first["url"] != "registry.example.com:443/team/x-0:v2" || second["url"] != "registry.example.com:443/team/x-1:v1" {
		t.Errorf("after -target: x[0] url %v, x[1] url %v", first["url"], second["url"])
	}
	r.apply()
	r.converged()
}

func lifecycleRefreshOnly(_ *testing.T, r *lifecycleRun) {
	r.applyConfig(image("x", 1, ""))
	r.patchOutside("x[0]", map[string]any{"url": "elsewhere.example.com/x:9"})
	r.expectIn(r.apply("-refresh-only"), `"elsewhere.example.com/x:9"`, "refresh-only does not show the change made outside")
	r.expectIn(r.Must("state", "show", "ufdl_dockerimage.x[0]"), `"elsewhere.example.com/x:9"`, "state does not hold the refreshed url")
	r.apply()
	r.converged()
}
