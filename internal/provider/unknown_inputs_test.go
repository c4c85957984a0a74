// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The unknown-inputs matrix of ufdl_dockerimage: every lookup attribute, and name and
// version, taken from a value known only after apply (a terraform_data output), one at a
// time and all together, with the framework written by pk, by name and version, and both
// ways. The plan must succeed with those attributes unknown, the apply converge, and a value
// that turns out invalid fail at apply with the valid choices listed, creating nothing.

// frameworkForms are the ways an image may write its framework, and the attributes each uses.
var frameworkForms = map[string][]string{
	"pk":   {"framework"},
	"name": {"framework_name", "framework_version"},
	"both": {"framework", "framework_name", "framework_version"},
}

// unknownCase is one image of the matrix: its framework form, and which attributes come
// from the terraform_data output (the others are literals).
type unknownCase struct {
	form    string
	unknown []string
}

func (c unknownCase) label() string {
	if len(c.unknown) > 1 {
		return c.form + "-all"
	}
	return c.form + "-" + strings.ReplaceAll(c.unknown[0], "_", "-")
}

// unknownMatrix is every attribute of each form alone, then all of them together.
func unknownMatrix() []unknownCase {
	var out []unknownCase
	for _, form := range []string{"pk", "name", "both"} {
		attrs := append([]string{"name", "version", "cuda_version", "domain", "tasks", "min_hardware_generation", "licence"}, frameworkForms[form]...)
		for _, a := range attrs {
			out = append(out, unknownCase{form: form, unknown: []string{a}})
		}
		out = append(out, unknownCase{form: form, unknown: attrs})
	}
	return out
}

// lateValues is a terraform_data whose output holds the values the images take at apply.
func lateValues(label string, values map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"terraform_data\" %q {\n  input = {\n", label)
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "    %s = %s\n", k, values[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// unknownImage renders the image of c: each attribute of c.unknown from src (a
// terraform_data's output), the others as literals; name is "<prefix>-<label>" either way.
func unknownImage(c unknownCase, src string) string {
	from := func(attr, literal string) string {
		if !slices.Contains(c.unknown, attr) {
			return literal
		}
		switch attr {
		case "name":
			return fmt.Sprintf(`"${%s.prefix}-%s"`, src, c.label())
		case "framework":
			return fmt.Sprintf("tonumber(%s.framework)", src)
		case "tasks":
			return fmt.Sprintf(`[%s.task, "Predict"]`, src)
		}
		return src + "." + attr
	}
	lines := []string{
		"name = " + from("name", fmt.Sprintf(`"${var.prefix}-%s"`, c.label())),
		"version = " + from("version", `"1"`),
		`url = "registry.example.com:443/unknown/img:1"`,
		`registry_url = "registry.example.com:443"`,
		"cuda_version = " + from("cuda_version", `"11.1"`),
		"domain = " + from("domain", `"od"`),
		"tasks = " + from("tasks", `["Train", "Predict"]`),
		"min_hardware_generation = " + from("min_hardware_generation", `"Pascal"`),
		"licence = " + from("licence", `"MIT"`),
	}
	if slices.Contains(frameworkForms[c.form], "framework") {
		lines = append(lines, "framework = "+from("framework", "var.framework"))
	}
	if slices.Contains(frameworkForms[c.form], "framework_name") {
		lines = append(lines, "framework_name = "+from("framework_name", `"yolo"`), "framework_version = "+from("framework_version", `"v7"`))
	}
	return fmt.Sprintf("resource \"ufdl_dockerimage\" %q {\n  %s\n}\n", c.label(), strings.Join(lines, "\n  "))
}

const unknownInputsVars = `
variable "prefix" {
  type = string
}
variable "framework" {
  type = number
}
`

func TestAccDockerImageUnknownInputs(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	prefix := acctest.Name("unk")
	srv.RemoveAtEnd(t, prefix)
	yolo := yoloV7(t, srv)
	w := acctest.NewWorkdir(t, "")
	cli := acctest.NewCLI(t, w, srv.Env("TF_VAR_prefix="+prefix, fmt.Sprintf("TF_VAR_framework=%d", yolo)))
	configure := func(blocks ...string) {
		t.Helper()
		cfg := queryProviderBlock + unknownInputsVars + strings.Join(blocks, "\n")
		if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if out, err := cli.RunEnv(cli.Env, "destroy", "-auto-approve", "-no-color"); err != nil {
			t.Errorf("clean-up: terraform destroy: %v\n%s", err, out)
		}
	})
	valid := map[string]string{
		"prefix": "var.prefix", "version": `"1"`, "cuda_version": `"11.1"`, "framework": "tostring(var.framework)", "framework_name": `"yolo"`,
		"framework_version": `"v7"`, "domain": `"od"`, "task": `"Train"`, "min_hardware_generation": `"Pascal"`, "licence": `"MIT"`,
	}

	t.Run("valid values converge", func(t *testing.T) {
		cases := unknownMatrix()
		blocks := []string{lateValues("late", valid)}
		for _, c := range cases {
			blocks = append(blocks, unknownImage(c, "terraform_data.late.output"))
		}
		configure(blocks...)
		out := cli.Must("plan", "-out=tfplan")
		if want := fmt.Sprintf("Plan: %d to add, 0 to change, 0 to destroy.", len(cases)+1); !strings.Contains(out, want) {
			t.Fatalf("the plan does not add every image (want %q):\n%s", want, out)
		}
		expectUnknownInPlan(t, cli.Must("show", "-json", "tfplan"), cases)
		cli.Must("apply", "tfplan")
		if _, empty := cli.ExpectEmptyPlan("after the apply"); !empty {
			t.FailNow()
		}
		state := showResources(t, cli.Must("show", "-json"))
		want := map[string]any{
			"version": "1", "cuda_version": "11.1", "cuda_full_version": "11.1.0", "framework": float64(yolo), "framework_name": "yolo",
			"framework_version": "v7", "domain": "od", "domain_description": "Object Detection", "tasks": []any{"Predict", "Train"},
			"min_hardware_generation": "Pascal", "licence": "MIT",
		}
		for _, c := range cases {
			addr := "ufdl_dockerimage." + c.label()
			values := state[addr]
			want["name"] = prefix + "-" + c.label()
			for attr, w := range want {
				if canonical(values[attr]) != canonical(w) {
					t.Errorf("%s: state's %s is %v, want %v", addr, attr, values[attr], w)
				}
			}
			pk, _ := values["pk"].(float64)
			img, err := srv.Image(int64(pk))
			if err != nil {
				t.Errorf("%s: %v", addr, err)
				continue
			}
			server := map[string]any{"name": want["name"], "version": "1", "licence": "MIT", "tasks": want["tasks"],
				"framework": map[string]any{"pk": yolo, "name": "yolo", "version": "v7"}}
			for field, w := range server {
				if canonical(img[field]) != canonical(w) {
					t.Errorf("%s: the server's %s is %v, want %v", addr, field, img[field], w)
				}
			}
		}
		cli.Must("destroy", "-auto-approve")
		if n := srv.CountImagesNamed(t, prefix); n != 0 {
			t.Errorf("%d images named %s* left after destroy", n, prefix)
		}
	})

	t.Run("invalid values fail at apply, creating nothing", func(t *testing.T) {
		// The (name, version) that two images take at apply is held by an image of the server.
		heldName := srv.CreateImage(t, imageBody(t, srv, prefix+"-pk-name", "1", "registry.example.com:443/unknown/held:1", "Train"))
		heldVersion := srv.CreateImage(t, imageBody(t, srv, prefix+"-pk-version", "2", "registry.example.com:443/unknown/held:2", "Train"))
		other := otherFramework(t, srv, yolo)
		// Each image takes one invalid value from a terraform_data of its own; the message
		// names it and lists the server's choices (one of the seed's is checked: others may
		// add rows to a shared server).
		invalid := []struct {
			c                       unknownCase
			value                   string // the terraform_data's value of the attribute
			summary, detail, choice string
		}{
			{unknownCase{"pk", []string{"name"}}, "", "Docker Image Already Exists",
				fmt.Sprintf("The server already holds image %d named %q with version %q", heldName, prefix+"-pk-name", "1"), ""},
			{unknownCase{"pk", []string{"version"}}, `"2"`, "Docker Image Already Exists",
				fmt.Sprintf("The server already holds image %d named %q with version %q", heldVersion, prefix+"-pk-version", "2"), ""},
			{unknownCase{"pk", []string{"cuda_version"}}, `"11.15"`, "Unknown CUDA Version", `The server has no CUDA version "11.15". Use one of: `, "11.1, "},
			{unknownCase{"pk", []string{"framework"}}, `"999999"`, "Unknown Framework", "The server has no framework 999999. Use one of: ", fmt.Sprintf("%d (yolo v7)", yolo)},
			{unknownCase{"name", []string{"framework_name"}}, `"yolov"`, "Unknown Framework", `The server has no framework named "yolov" with version "v7". Use one of: `, "yolo v5, "},
			{unknownCase{"name", []string{"framework_version"}}, `"v9"`, "Unknown Framework", `The server has no framework named "yolo" with version "v9". Use one of: `, "yolo v5, "},
			{unknownCase{"both", []string{"framework"}}, fmt.Sprintf("%q", fmt.Sprint(other.PK)), "Framework Written Two Ways",
				fmt.Sprintf("framework = %d, but framework_name and framework_version name yolo v7, which is framework %d on this server.", other.PK, yolo), ""},
			{unknownCase{"both", []string{"framework_version"}}, `"v9"`, "Unknown Framework", `The server has no framework named "yolo" with version "v9". Use one of: `, "yolo v5, "},
			{unknownCase{"name", []string{"domain"}}, `"xx"`, "Unknown Domain", `The server has no domain "xx". Use one of: `, "od (Object Detection)"},
			{unknownCase{"name", []string{"tasks"}}, `"Trian"`, "Unknown Job Contract", `The server has no job contract "Trian". Use one of: `, "Train"},
			{unknownCase{"name", []string{"min_hardware_generation"}}, `"Pascall"`, "Unknown Hardware Generation", `The server has no hardware generation "Pascall". Use one of: `, "Pascal, "},
			{unknownCase{"name", []string{"licence"}}, `"MTI"`, "Unknown Licence", `The server has no licence "MTI". Use one of: `, `"MIT", `},
		}
		var blocks, sources []string
		for _, inv := range invalid {
			values := maps.Clone(valid)
			attr := inv.c.unknown[0]
			switch attr {
			case "name":
			case "tasks":
				values["task"] = inv.value
			default:
				values[attr] = inv.value
			}
			src := "bad_" + strings.ReplaceAll(inv.c.label(), "-", "_")
			sources = append(sources, lateValues(src, values))
			blocks = append(blocks, sources[len(sources)-1], unknownImage(inv.c, "terraform_data."+src+".output"))
		}
		configure(blocks...)
		out := cli.Must("plan")
		if want := fmt.Sprintf("Plan: %d to add, 0 to change, 0 to destroy.", 2*len(invalid)); !strings.Contains(out, want) {
			t.Fatalf("with every value unknown the plan must succeed (want %q):\n%s", want, out)
		}
		srv.ResetCalls()
		out = cli.MustFail("apply", "-auto-approve")
		for _, inv := range invalid {
			d := diagnosticOf(t, out, inv.summary, "ufdl_dockerimage."+inv.c.label())
			if !strings.Contains(d, inv.detail) || !strings.Contains(d, inv.choice) {
				t.Errorf("%s: the error does not say %q and list %q:\n%s", inv.c.label(), inv.detail, inv.choice, d)
			}
		}
		if n := len(diagnostics(out)); n != len(invalid) {
			t.Errorf("%d errors, want one per image (%d):\n%s", n, len(invalid), out)
		}
		if n := srv.Calls("POST /v1/docker/create"); n != 0 {
			t.Errorf("the failed apply sent %d creates", n)
		}
		if left := showPKs(t, cli.Must("show", "-json")); len(left) > 0 {
			t.Errorf("the failed apply left images in state: %v", left)
		}
		if n := srv.CountImagesNamed(t, prefix); n != 2 {
			t.Errorf("the server holds %d images named %s*, want only the 2 the test made", n, prefix)
		}
		// Terraform's destroy plans the configuration first, whose images stay invalid.
		configure(sources...)
		cli.Must("destroy", "-auto-approve")
	})
}

// otherFramework returns a framework of srv other than pk.
func otherFramework(t *testing.T, srv *acctest.Server, pk int64) acctest.Framework {
	t.Helper()
	for _, f := range srv.Frameworks(t) {
		if f.PK != pk {
			return f
		}
	}
	t.Fatal("the server has one framework only")
	return acctest.Framework{}
}

// expectUnknownInPlan checks, in `terraform show -json` of a saved plan, that every attribute
// a case takes from the terraform_data output is unknown in the plan: the matrix tests what
// it says it tests.
func expectUnknownInPlan(t *testing.T, planJSON string, cases []unknownCase) {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatal(err)
	}
	unknown := map[string]map[string]any{}
	for _, rc := range plan.ResourceChanges {
		unknown[rc.Address] = rc.Change.AfterUnknown
	}
	for _, c := range cases {
		addr := "ufdl_dockerimage." + c.label()
		for _, attr := range c.unknown {
			if !strings.Contains(fmt.Sprint(unknown[addr][attr]), "true") {
				t.Errorf("%s: %s is known in the plan (after_unknown %v), but the configuration takes it from a value known only after apply", addr, attr, unknown[addr][attr])
			}
		}
	}
}
