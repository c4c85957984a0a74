// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// jwtMarkers begin every JWT (the base64 of {"alg" and of {"typ") and every header that
// carries one. A bare "eyJ" would also match the salted digest of private state.
var jwtMarkers = []string{"eyJhbGci", "eyJ0eXAi", "Bearer "}

// secretProbe is a set of secrets and where each may be found: where the user asked for it
// to be kept.
type secretProbe struct {
	t       *testing.T
	secrets map[string]string   // label -> value
	allowed map[string][]string // label -> the places that may hold it
	checked map[string]bool     // the places checked
}

// check fails when text, the content of place, holds a secret not allowed there, or a token.
func (p *secretProbe) check(place, text string) {
	p.t.Helper()
	p.checked[place] = true
	for label, s := range p.secrets {
		if strings.Contains(text, s) && !slices.Contains(p.allowed[label], place) {
			p.t.Errorf("%s holds the %s", place, label)
		}
	}
	for _, m := range jwtMarkers {
		if strings.Contains(text, m) {
			p.t.Errorf("%s holds a token (%q)", place, m)
		}
	}
}

// Places a secret can reach.
const (
	placeOutput    = "the CLI's output"
	placeLog       = "the TRACE log"
	placeState     = "the state file"
	placePrivate   = "the decoded private state"
	placePlanJSON  = "terraform show -json of the saved plan"
	placeShowState = "terraform show of the state"
)

// TestAccSecretProbe runs the real terraform CLI with TRACE logging through a whole
// lifecycle, with every kind of secret the provider handles: the provider password and
// registry passwords written as literals, read with file() (with its trailing newline,
// through trimspace), from an ephemeral variable into the write-only attribute, and read back
// by a data source that asks for them. It looks for each in the output of every command
// (every diagnostic included), the TRACE log, terraform show -json of a saved plan, the state
// file and its decoded private state, and for any access token everywhere: a secret may be
// only where the user asked for it to be kept.
func TestAccSecretProbe(t *testing.T) {
	acctest.CheckCLI(t, tfversion.SkipBelow(tfversion.Version1_11_0)) // write-only attributes, ephemeral variables
	t.Parallel()
	srv := acctest.NewServer(t)
	name := acctest.Name("probe")
	srv.RemoveAtEnd(t, name)
	p := &secretProbe{t: t, checked: map[string]bool{}, secrets: map[string]string{
		"literal registry password":     "lit-" + acctest.RandomSuffix(),
		"registry password from a file": "file-" + acctest.RandomSuffix(),
		"literal write-only password":   "wolit-" + acctest.RandomSuffix(),
		"ephemeral write-only password": "woeph-" + acctest.RandomSuffix(),
	}}
	// registry_password is kept in state as configured (its documentation says so), and a
	// data source that sets read_registry_passwords keeps the one it reads; plans hold state.
	kept := []string{placeState, placePlanJSON}
	p.allowed = map[string][]string{"literal registry password": kept, "registry password from a file": kept}
	// The provider password is checked only where it is distinctive: against an external
	// deployment it may be a word that logs hold anyway (admin/admin).
	if pw := srv.AdminPassword; len(pw) >= 8 && !strings.Contains(srv.AdminUser+srv.URL, pw) {
		p.secrets["provider password"] = pw
	} else {
		t.Logf("the provider password is not distinctive enough to look for")
	}
	lit := p.secrets["literal registry password"]
	image := func(suffix string, kv ...string) string {
		attrs := with(gpuImage(t, srv, name+"-"+suffix), append([]string{"registry_password", ""}, kv...)...)
		return strings.Replace(imageConfig("", attrs), `"test"`, strconv.Quote(suffix), 1)
	}
	config := func(woVersion int) string {
		return "terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\n" +
			"variable \"wo\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n" +
			fmt.Sprintf("provider \"ufdl\" {\n  host     = %q\n  username = %q\n  password = %q\n}\n", srv.URL, srv.AdminUser, srv.AdminPassword) +
			image("literal", "registry_password", strconv.Quote(lit)) +
			image("file", "registry_password", `trimspace(file("pw.txt"))`) +
			image("wolit", "registry_password_wo", strconv.Quote(p.secrets["literal write-only password"]), "registry_password_wo_version", strconv.Itoa(woVersion)) +
			image("woeph", "registry_password_wo", "var.wo", "registry_password_wo_version", strconv.Itoa(woVersion)) +
			"data \"ufdl_dockerimage\" \"read\" {\n  name    = ufdl_dockerimage.literal.name\n  version = ufdl_dockerimage.literal.version\n  read_registry_passwords = true\n}\n"
	}
	w := acctest.NewWorkdir(t, config(1))
	if err := os.WriteFile(filepath.Join(w.Dir, "pw.txt"), []byte(p.secrets["registry password from a file"]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(w.Dir, "trace.log")
	cli := acctest.NewCLI(t, w, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath, "TF_VAR_wo=" + p.secrets["ephemeral write-only password"]})
	run := func(args ...string) string {
		t.Helper()
		out := cli.Must(args...)
		p.check(placeOutput, out)
		return out
	}

	run("plan", "-out=probe.tfplan")
	planJSON := withoutConfiguration(t, cli.Must("show", "-json", "probe.tfplan"))
	p.check(placePlanJSON, planJSON)
	if !strings.Contains(planJSON, lit) {
		t.Errorf("the plan's JSON does not hold the literal registry password: the check of plans proves nothing")
	}
	run("apply", "probe.tfplan")
	p.checkState(w)
	// The server received every password: the check above saw the secrets on their way.
	for _, suffix := range []string{"literal", "file", "wolit", "woeph"} {
		want := map[string]string{"literal": lit, "file": p.secrets["registry password from a file"],
			"wolit": p.secrets["literal write-only password"], "woeph": p.secrets["ephemeral write-only password"]}[suffix]
		if imgs, err := srv.ImagesNamed(name + "-" + suffix); err != nil || len(imgs) != 1 || imgs[0]["registry_password"] != want {
			t.Errorf("image %s-%s does not hold its registry password on the server (%v)", name, suffix, err)
		}
	}
	if out := run("state", "show", "data.ufdl_dockerimage.read"); !strings.Contains(out, "registry_password") {
		t.Errorf("the data source read no registry password:\n%s", out)
	}
	p.check(placeShowState, run("show"))
	run("plan", "-refresh-only")
	cli.ExpectEmptyPlan("after apply")

	// A new write-only version sends the write-only passwords again.
	writeConfig(t, w.Dir, config(2))
	run("apply", "-auto-approve")
	p.checkState(w)

	// Diagnostics about the secrets: a write-only password that the server would trim.
	writeConfig(t, w.Dir, strings.Replace(config(2), strconv.Quote(p.secrets["literal write-only password"]), strconv.Quote(p.secrets["literal write-only password"]+" "), 1))
	out := cli.MustFail("plan")
	p.check(placeOutput, out)
	if !strings.Contains(out, "Surrounding White Space") {
		t.Errorf("the plan of a write-only password with a trailing space did not fail on it:\n%s", out)
	}
	writeConfig(t, w.Dir, config(2))
	run("destroy", "-auto-approve")

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "/v1/docker/create") || !strings.Contains(string(logs), "ReadDataSource") {
		t.Fatalf("the TRACE log holds no provider request or data source read; the check below would prove nothing")
	}
	p.check(placeLog, string(logs))
	for _, place := range []string{placeOutput, placeLog, placeState, placePrivate, placePlanJSON, placeShowState} {
		if !p.checked[place] {
			t.Errorf("%s was never checked", place)
		}
	}
}

// withoutConfiguration is the JSON of a plan without its "configuration": a saved plan holds
// the configuration it was made from, and its JSON shows the literals written there, secret
// or not, as the files do.
func withoutConfiguration(t *testing.T, planJSON string) string {
	t.Helper()
	var plan map[string]json.RawMessage
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, planJSON)
	}
	if _, ok := plan["configuration"]; !ok {
		t.Fatalf("terraform show -json of a saved plan shows no configuration:\n%s", planJSON)
	}
	delete(plan, "configuration")
	b, _ := json.Marshal(plan)
	return string(b)
}

// checkState checks the state file of w, and each private state in it decoded, with the
// base64 values inside it decoded too (the password digest is one).
func (p *secretProbe) checkState(w *acctest.Workdir) {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		p.t.Fatal(err)
	}
	p.check(placeState, string(b))
	privates := privateStates(p.t, b)
	for _, private := range privates {
		text := private
		var m map[string]json.RawMessage
		_ = json.Unmarshal([]byte(private), &m)
		for _, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				if inner, err := base64.StdEncoding.DecodeString(s); err == nil {
					text += "\n" + string(inner)
				}
			}
		}
		p.check(placePrivate, text)
	}
	if len(privates) == 0 {
		p.t.Errorf("no instance has private state: the check of private state proves nothing")
	}
}

// secretLine matches the configuration excerpt under a diagnostic ("  12:   password = ...")
// when it is the line of a secret attribute.
var secretLine = regexp.MustCompile(`(?m)^[\s│]*\d+:\s*(registry_password|registry_password_wo|password)\s*=`)

// TestAccSecretsNeverInDiagnostics runs every check that sees a sensitive value with a value
// that fails it, through the real CLI with TRACE logging, and looks for the value in the
// output and the log: no diagnostic may quote a secret, whatever the check.
func TestAccSecretsNeverInDiagnostics(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	secret := "Secret-" + acctest.RandomSuffix()
	const wrapper = "terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\n"
	providerWith := func(password string) string {
		return fmt.Sprintf("provider \"ufdl\" {\n  host     = %q\n  username = %q\n  password = %s\n}\n", srv.URL, srv.AdminUser, password)
	}
	variables := `
variable "secret" {
  type      = string
  sensitive = true
}
variable "wo" {
  type      = string
  sensitive = true
  ephemeral = true
}
`
	image := func(kv ...string) string {
		return imageConfig("", with(gpuImage(t, srv, acctest.Name("diag")), append([]string{"registry_password", ""}, kv...)...))
	}
	// A literal secret is in the configuration itself: a diagnostic attached to its attribute
	// would print its line.
	literal := func(s string) string { return strconv.Quote(s) }
	ok := providerWith(strconv.Quote(srv.AdminPassword))
	digest := func(kv string) string {
		return "data \"ufdl_image_digest\" \"d\" {\n  url = \"registry.example.com/team/app:v1\"\n  " + kv + "\n}\n"
	}
	for _, tc := range []struct {
		name, config string
		want         []string
	}{
		{"literal password with a trailing space", ok + image("registry_password", literal(secret+" ")),
			[]string{"Surrounding White Space", "registry_password begins or ends with white space"}},
		{"literal write-only password with a trailing space", ok + image("registry_password_wo", literal(secret+" "), "registry_password_wo_version", "1"),
			[]string{"Surrounding White Space", "registry_password_wo begins or ends with white space"}},
		{"literal password too long", ok + image("registry_password", literal(strings.Repeat(secret, 5))),
			[]string{"Invalid Attribute Value Length", "registry_password is 75 characters long; the server holds at most 64"}},
		{"literal write-only password too long", ok + image("registry_password_wo", literal(strings.Repeat(secret, 5)), "registry_password_wo_version", "1"),
			[]string{"Invalid Attribute Value Length", "registry_password_wo is 75 characters long"}},
		{"literal passwords in both attributes", ok + image("registry_password", literal(secret), "registry_password_wo", literal(secret), "registry_password_wo_version", "1"),
			[]string{"Conflicting Registry Passwords", "registry_password and registry_password_wo are both set"}},
		{"literal write-only password without a version", ok + image("registry_password_wo", literal(secret)),
			[]string{"Missing Write-Only Password Version", "registry_password_wo is set but registry_password_wo_version is not"}},
		{"literal password without a username", ok + image("registry_username", "", "registry_password", literal(secret)),
			[]string{"Registry Password Without Username", "registry_password is set but registry_username is not"}},
		{"literal write-only password without a username", ok + image("registry_username", "", "registry_password_wo", literal(secret), "registry_password_wo_version", "1"),
			[]string{"Registry Password Without Username", "registry_password_wo is set but registry_username is not"}},
		{"literal digest password without a username", ok + digest("registry_password = "+literal(secret)),
			[]string{"Registry Password Without Username", "registry_password is set but registry_username is not"}},
		{"literal provider password refused", providerWith(literal(secret+" ")) + image(),
			[]string{"UFDL Login Failed", "white space"}},
		{"password from a file with a newline", providerWith(strconv.Quote(srv.AdminPassword)) + image("registry_password", `file("pw.txt")`),
			[]string{"Surrounding White Space", "trimspace(file("}},
		{"write-only password from an ephemeral variable", providerWith(strconv.Quote(srv.AdminPassword)) + image("registry_password_wo", "var.wo", "registry_password_wo_version", "1"),
			[]string{"Surrounding White Space", "registry_password_wo begins or ends with white space"}},
		{"password too long", providerWith(strconv.Quote(srv.AdminPassword)) + image("registry_password", `"${var.secret}${var.secret}${var.secret}${var.secret}${var.secret}"`),
			[]string{"Invalid Attribute Value Length", "registry_password"}},
		{"password without a username", providerWith(strconv.Quote(srv.AdminPassword)) + image("registry_username", "", "registry_password", "trimspace(var.secret)"),
			[]string{"Registry Password Without Username"}},
		{"provider password refused", providerWith("var.secret") + image(),
			[]string{"UFDL Login Failed", "white space"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := acctest.NewWorkdir(t, wrapper+variables+tc.config)
			if err := os.WriteFile(filepath.Join(w.Dir, "pw.txt"), []byte(secret+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(w.Dir, "trace.log")
			out, err := w.RunEnv([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath, "TF_VAR_secret= " + secret + " ", "TF_VAR_wo= " + secret + " "},
				"plan", "-no-color")
			if err == nil {
				t.Fatalf("plan succeeded, want the check to fail:\n%s", out)
			}
			flat := strings.Join(strings.Fields(out), " ")
			for _, want := range tc.want {
				if !strings.Contains(flat, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			logs, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, secret) {
				t.Errorf("the output holds the secret:\n%s", out)
			}
			// No diagnostic points at a line of the configuration that holds a secret.
			if secretLine.MatchString(out) {
				t.Errorf("a diagnostic shows the configuration line of a secret:\n%s", out)
			}
			if strings.Contains(string(logs), secret) {
				t.Errorf("the TRACE log holds the secret")
			}
			if !strings.Contains(string(logs), "ValidateResourceConfig") && !strings.Contains(string(logs), "ValidateDataResourceConfig") &&
				!strings.Contains(string(logs), "ConfigureProvider") {
				t.Errorf("the TRACE log holds no provider calls; the check above proves nothing")
			}
		})
	}
}

// privateStates are the decoded private states of the resource instances in a state file.
func privateStates(t *testing.T, state []byte) []string {
	t.Helper()
	var st struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &st); err != nil {
		t.Fatalf("state file: %v", err)
	}
	var out []string
	for _, r := range st.Resources {
		for _, i := range r.Instances {
			if i.Private == "" {
				continue
			}
			b, err := base64.StdEncoding.DecodeString(i.Private)
			if err != nil {
				t.Fatalf("private state %q: %v", i.Private, err)
			}
			out = append(out, string(b))
		}
	}
	return out
}
