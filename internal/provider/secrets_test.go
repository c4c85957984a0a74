package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccSecretsStayOutOfOutputLogsAndState runs the real terraform CLI against the built
// provider with TRACE logging, and looks for the registry password, the provider password and
// any JWT in everything a user or a CI log could see.
func TestAccSecretsStayOutOfOutputLogsAndState(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	regPW := "regpw-" + acctest.RandomSuffix()
	woPW := "wopw-" + acctest.RandomSuffix()
	name := acctest.Name("secret")
	srv.RemoveAtEnd(t, name)

	const providerBlock = "terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\nprovider \"ufdl\" {}\n"
	plain := imageConfig(providerBlock, with(gpuImage(t, srv, name), "registry_password", strconv.Quote(regPW)))
	w := acctest.NewWorkdir(t, plain)
	logPath := filepath.Join(w.Dir, "terraform.log")
	env := srv.Env("TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	secrets := map[string]string{"registry password": regPW, "provider password": srv.AdminPassword, "write-only password": woPW}
	checkClean := func(what, text string) {
		t.Helper()
		for label, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the %s", what, label)
			}
		}
		// A JWT starts with its base64 header, {"alg" or {"typ"; private state is base64
		// JSON too ({"...), and is decoded and checked on its own.
		for _, marker := range []string{"eyJhbGci", "eyJ0eXAi", "Bearer "} {
			if strings.Contains(text, marker) {
				t.Errorf("%s contains a token (%q)", what, marker)
			}
		}
	}
	cli := acctest.NewCLI(t, w, env)
	run := func(args ...string) string {
		t.Helper()
		out := cli.Must(args...)
		checkClean("output of terraform "+args[0], out)
		return out
	}

	if out := run("plan"); !strings.Contains(out, "registry_password") || !strings.Contains(out, "(sensitive value)") {
		t.Errorf("plan does not show registry_password as a sensitive value:\n%s", out)
	}
	run("apply", "-auto-approve")
	run("show")

	// Switch to the write-only password: neither it nor the old password stays in state.
	wo := imageConfig(providerBlock, writeOnly(gpuImage(t, srv, name), woPW, 1))
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(wo), 0o600); err != nil {
		t.Fatal(err)
	}
	run("apply", "-auto-approve")
	state, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	checkClean("state after switching to registry_password_wo", string(state))
	for _, private := range privateStates(t, state) {
		checkClean("private state after switching to registry_password_wo", private)
	}
	if img, err := srv.ImagesNamed(name); err != nil || len(img) != 1 || img[0]["registry_password"] != woPW {
		t.Errorf("server did not receive the write-only password (%v)", err)
	}
	run("destroy", "-auto-approve")

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "/v1/docker/create") {
		t.Fatalf("TRACE log holds no provider request lines; the check below would prove nothing")
	}
	checkClean("TRACE log", string(logs))
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
