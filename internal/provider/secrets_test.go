package provider_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// TestAccSecretsStayOutOfOutputLogsAndState runs the real terraform CLI against the built
// provider with TRACE logging, and looks for the registry password, the provider password and
// any JWT in everything a user or a CI log could see.
func TestAccSecretsStayOutOfOutputLogsAndState(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
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
	env := []string{
		"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath,
		"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword,
	}
	secrets := map[string]string{"registry password": regPW, "provider password": srv.AdminPassword, "write-only password": woPW}
	checkClean := func(what, text string) {
		t.Helper()
		for label, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the %s", what, label)
			}
		}
		for _, marker := range []string{"eyJ", "Bearer "} {
			if strings.Contains(text, marker) {
				t.Errorf("%s contains a token (%q)", what, marker)
			}
		}
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := w.RunEnv(env, append(args, "-no-color")...)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
		checkClean("output of terraform "+args[0], out)
		return out
	}

	if out := run("plan"); !strings.Contains(out, "registry_password") || !strings.Contains(out, "(sensitive value)") {
		t.Errorf("plan does not show registry_password as a sensitive value:\n%s", out)
	}
	run("apply", "-auto-approve")
	run("show")

	// Switch to the write-only password: neither it nor the old password stays in state.
	wo := imageConfig(providerBlock, with(gpuImage(t, srv, name),
		"registry_password", "", "registry_password_wo", strconv.Quote(woPW), "registry_password_wo_version", "1"))
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(wo), 0o600); err != nil {
		t.Fatal(err)
	}
	run("apply", "-auto-approve")
	state, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	checkClean("state after switching to registry_password_wo", string(state))
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
