package provider_test

import (
	"encoding/json"
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

// lifecycleRun is one working directory, its server and the images' name prefix.
type lifecycleRun struct {
	t      *testing.T
	srv    *acctest.Server
	w      *acctest.Workdir
	env    []string
	prefix string
}

func newLifecycleRun(t *testing.T) *lifecycleRun {
	t.Helper()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("life")
	srv.RemoveAtEnd(t, prefix)
	r := &lifecycleRun{t: t, srv: srv, prefix: prefix, w: acctest.NewWorkdir(t, queryProviderBlock)}
	r.env = []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword,
		"TF_VAR_prefix=" + prefix, fmt.Sprintf("TF_VAR_framework=%d", yoloV7(t, srv))}
	return r
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
	r.t.Helper()
	cfg := queryProviderBlock + lifecycleVars + strings.Join(blocks, "\n")
	if err := os.WriteFile(filepath.Join(r.w.Dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// tf runs terraform and fails the test when it fails.
func (r *lifecycleRun) tf(args ...string) string {
	r.t.Helper()
	out, err := r.w.RunEnv(r.env, append(args, "-no-color")...)
	if err != nil {
		r.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// tfFails runs terraform, expects it to fail, and returns its output.
func (r *lifecycleRun) tfFails(args ...string) string {
	r.t.Helper()
	out, err := r.w.RunEnv(r.env, append(args, "-no-color")...)
	if err == nil {
		r.t.Fatalf("terraform %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return out
}

// statePKs returns the pk of every ufdl_dockerimage in state, by address.
func (r *lifecycleRun) statePKs() map[string]int64 {
	r.t.Helper()
	return showPKs(r.t, r.tf("show", "-json"))
}

// showPKs reads the pk of every ufdl_dockerimage, by address, from `terraform show -json`.
func showPKs(t *testing.T, showJSON string) map[string]int64 {
	t.Helper()
	var state struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Type    string         `json:"type"`
					Mode    string         `json:"mode"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(showJSON), &state); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	if state.Values == nil {
		return out
	}
	for _, res := range state.Values.RootModule.Resources {
		if res.Type == "ufdl_dockerimage" && res.Mode == "managed" {
			pk, _ := res.Values["pk"].(float64)
			out[res.Address] = int64(pk)
		}
	}
	return out
}

// serverPKs returns the pks of this run's images on the server, sorted.
func (r *lifecycleRun) serverPKs() []int64 {
	r.t.Helper()
	images, err := r.srv.ImagesNamed(r.prefix)
	if err != nil {
		r.t.Fatal(err)
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
	r.t.Helper()
	want := append([]int64{}, unmanaged...)
	for _, pk := range r.statePKs() {
		want = append(want, pk)
	}
	slices.Sort(want)
	if got := r.serverPKs(); !slices.Equal(got, want) {
		r.t.Errorf("server holds images %v, state and the unmanaged ones %v", got, want)
	}
	if out, err := r.w.RunEnv(r.env, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		r.t.Errorf("plan is not empty (%v):\n%s", err, out)
	}
}

func TestAccLifecycle(t *testing.T) {
	t.Parallel()

	t.Run("replace", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 2, ""))
		r.tf("apply", "-auto-approve")
		before := r.statePKs()
		out := r.tf("apply", "-auto-approve", "-replace=ufdl_dockerimage.x[0]")
		if !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
			t.Errorf("apply -replace did not replace one image:\n%s", out)
		}
		after := r.statePKs()
		if after["ufdl_dockerimage.x[0]"] == before["ufdl_dockerimage.x[0]"] || after["ufdl_dockerimage.x[1]"] != before["ufdl_dockerimage.x[1]"] {
			t.Errorf("pks before %v, after %v: want x[0] new and x[1] kept", before, after)
		}
		r.converged()
	})

	t.Run("taint", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 2, ""))
		r.tf("apply", "-auto-approve")
		before := r.statePKs()
		r.tf("taint", "ufdl_dockerimage.x[1]")
		// Terraform says "so must be replaced", OpenTofu "so it must be replaced".
		if out := r.tf("plan"); !regexp.MustCompile(`ufdl_dockerimage\.x\[1\] is tainted, so (it )?must be replaced`).MatchString(out) {
			t.Errorf("plan after taint does not replace x[1]:\n%s", out)
		}
		r.tf("apply", "-auto-approve")
		if after := r.statePKs(); after["ufdl_dockerimage.x[1]"] == before["ufdl_dockerimage.x[1]"] {
			t.Errorf("tainted image kept its pk %d", after["ufdl_dockerimage.x[1]"])
		}
		r.converged()
	})

	t.Run("replace_triggered_by", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		trigger := "variable \"revision\" {\n  type = number\n}\nresource \"terraform_data\" \"revision\" {\n  input = var.revision\n}\n"
		r.configure(trigger, image("x", 1, "  lifecycle {\n    replace_triggered_by = [terraform_data.revision]\n  }"))
		r.tf("apply", "-auto-approve", "-var=revision=1")
		before := r.statePKs()
		if out := r.tf("apply", "-auto-approve", "-var=revision=2"); !strings.Contains(out, "ufdl_dockerimage.x[0]: Destruction complete") {
			t.Errorf("a new revision did not replace the image:\n%s", out)
		}
		if after := r.statePKs(); after["ufdl_dockerimage.x[0]"] == before["ufdl_dockerimage.x[0]"] {
			t.Errorf("replaced image kept its pk")
		}
		r.env = append(r.env, "TF_VAR_revision=2")
		r.converged()
	})

	t.Run("create_before_destroy", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 1, "  lifecycle {\n    create_before_destroy = true\n  }"))
		r.tf("apply", "-auto-approve")
		before := r.statePKs()
		out := r.tfFails("apply", "-auto-approve", "-replace=ufdl_dockerimage.x[0]")
		for _, want := range []string{"Docker Image Already Exists", "create_before_destroy", "The existing image was not changed"} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("the refused replacement does not say %q:\n%s", want, out)
			}
		}
		if after := r.statePKs(); after["ufdl_dockerimage.x[0]"] != before["ufdl_dockerimage.x[0]"] {
			t.Errorf("state lost the image: before %v, after %v", before, after)
		}
		img, err := r.srv.Image(before["ufdl_dockerimage.x[0]"])
		if err != nil || img["url"] != "registry.example.com:443/team/x-0:v1" {
			t.Errorf("the old image changed: %v %v", img, err)
		}
		if got := r.serverPKs(); !slices.Equal(got, []int64{before["ufdl_dockerimage.x[0]"]}) {
			t.Errorf("server holds %v, want only the old image %d", got, before["ufdl_dockerimage.x[0]"])
		}
		// Terraform keeps the old image as a deposed object, to be destroyed after its
		// replacement exists: a replacement with another version goes through.
		r.configure(strings.Replace(image("x", 1, "  lifecycle {\n    create_before_destroy = true\n  }"), `version                 = "v1"`, `version                 = "v2"`, 1))
		if out := r.tf("apply", "-auto-approve"); !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
			t.Errorf("the replacement with another version:\n%s", out)
		}
		r.converged()
	})

	t.Run("prevent_destroy", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 1, "  lifecycle {\n    prevent_destroy = true\n  }"))
		r.tf("apply", "-auto-approve")
		if out := r.tfFails("destroy", "-auto-approve"); !strings.Contains(out, "prevent_destroy") {
			t.Errorf("destroy was not refused for prevent_destroy:\n%s", out)
		}
		r.converged()
		r.configure(image("x", 1, ""))
		r.tf("destroy", "-auto-approve")
		if got := r.serverPKs(); len(got) != 0 {
			t.Errorf("destroy left %v", got)
		}
	})

	t.Run("ignore_changes", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 1, "  lifecycle {\n    ignore_changes = [url]\n  }"))
		r.tf("apply", "-auto-approve")
		pk := r.statePKs()["ufdl_dockerimage.x[0]"]
		if err := r.srv.PatchImage(pk, map[string]any{"url": "elsewhere.example.com/x:9"}); err != nil {
			t.Fatal(err)
		}
		r.converged() // the url changed outside is ignored
		r.env = append(r.env, "TF_VAR_tag=v2")
		r.converged() // and so is a new url in the configuration
	})

	t.Run("moved", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 1, ""))
		r.tf("apply", "-auto-approve")
		pk := r.statePKs()["ufdl_dockerimage.x[0]"]
		// The block is renamed; its images keep their names through a variable-free copy.
		renamed := strings.Replace(image("x", 1, ""), `resource "ufdl_dockerimage" "x"`, `resource "ufdl_dockerimage" "y"`, 1)
		r.configure(renamed, "moved {\n  from = ufdl_dockerimage.x\n  to   = ufdl_dockerimage.y\n}\n")
		if out := r.tf("plan"); !strings.Contains(out, "has moved to ufdl_dockerimage.y[0]") || !strings.Contains(out, "0 to add, 0 to change, 0 to destroy") {
			t.Errorf("plan of the move:\n%s", out)
		}
		r.tf("apply", "-auto-approve")
		if got := r.statePKs()["ufdl_dockerimage.y[0]"]; got != pk {
			t.Errorf("moved image has pk %d, want %d", got, pk)
		}
		r.converged()
	})

	t.Run("removed", func(t *testing.T) {
		t.Parallel()
		// removed blocks came with Terraform 1.7 and OpenTofu 1.7.
		acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_7_0))
		r := newLifecycleRun(t)
		r.configure(image("x", 1, ""), image("kept", 1, ""))
		r.tf("apply", "-auto-approve")
		kept := r.statePKs()["ufdl_dockerimage.kept[0]"]
		r.configure(image("x", 1, ""), "removed {\n  from = ufdl_dockerimage.kept\n  lifecycle {\n    destroy = false\n  }\n}\n")
		if out := r.tf("apply", "-auto-approve"); !strings.Contains(out, "0 destroyed") {
			t.Errorf("removed with destroy = false destroyed something:\n%s", out)
		}
		if _, ok := r.statePKs()["ufdl_dockerimage.kept[0]"]; ok {
			t.Error("the removed image is still in state")
		}
		r.converged(kept) // left on the server, no longer managed
	})

	t.Run("import_block", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.srv.CreateImage(t, map[string]any{
			"name": r.prefix + "-x-0", "version": "v1", "url": "registry.example.com:443/team/x-0:v1", "registry_url": "registry.example.com:443",
			"registry_username": nil, "registry_password": nil, "cuda_version": "11.1", "framework": yoloV7(t, r.srv), "domain": "od",
			"tasks": []string{"Train", "Predict"}, "min_hardware_generation": "Pascal", "cpu": false, "licence": "MIT",
		})
		r.configure(image("x", 1, ""), fmt.Sprintf("import {\n  to = ufdl_dockerimage.x[0]\n  id = %q\n}\n", r.prefix+"-x-0:v1"))
		if out := r.tf("apply", "-auto-approve"); !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
			t.Errorf("import block:\n%s", out)
		}
		r.converged()
	})

	t.Run("target", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 2, ""))
		r.tf("apply", "-auto-approve")
		pks := r.statePKs()
		r.env = append(r.env, "TF_VAR_tag=v2")
		if out := r.tf("apply", "-auto-approve", "-target=ufdl_dockerimage.x[0]"); !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
			t.Errorf("targeted apply:\n%s", out)
		}
		first, _ := r.srv.Image(pks["ufdl_dockerimage.x[0]"])
		second, _ := r.srv.Image(pks["ufdl_dockerimage.x[1]"])
		if first["url"] != "registry.example.com:443/team/x-0:v2" || second["url"] != "registry.example.com:443/team/x-1:v1" {
			t.Errorf("after -target: x[0] url %v, x[1] url %v", first["url"], second["url"])
		}
		r.tf("apply", "-auto-approve")
		r.converged()
	})

	t.Run("refresh_only", func(t *testing.T) {
		t.Parallel()
		r := newLifecycleRun(t)
		r.configure(image("x", 1, ""))
		r.tf("apply", "-auto-approve")
		pk := r.statePKs()["ufdl_dockerimage.x[0]"]
		if err := r.srv.PatchImage(pk, map[string]any{"url": "elsewhere.example.com/x:9"}); err != nil {
			t.Fatal(err)
		}
		if out := r.tf("apply", "-refresh-only", "-auto-approve"); !strings.Contains(out, `"elsewhere.example.com/x:9"`) {
			t.Errorf("refresh-only does not show the change made outside:\n%s", out)
		}
		if out := r.tf("state", "show", "ufdl_dockerimage.x[0]"); !strings.Contains(out, `"elsewhere.example.com/x:9"`) {
			t.Errorf("state does not hold the refreshed url:\n%s", out)
		}
		r.tf("apply", "-auto-approve")
		r.converged()
	})
}
