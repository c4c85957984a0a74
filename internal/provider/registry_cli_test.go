// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

// TestAccRegistryCheckCallsAndSecrets runs terraform plan with the built provider against a
// registry with the Bearer token flow: 20 entries over 2 repositories and 4 tags cost one
// login per repository and one HEAD per tag, and neither the registry password nor a token
// shows in the output or the TRACE log, also when the registry refuses the password.
func TestAccRegistryCheckCallsAndSecrets(t *testing.T) {
	t.Parallel()
	srv := acctest.NewServer(t)
	password := "regpw-" + acctest.RandomSuffix()
	f := registrytest.NewFake(t, registrytest.WithAuth(registrytest.Bearer, "robot", password))
	for i := range 4 {
		registrytest.Push(t, f.Store, fmt.Sprintf("team/r%d:v%d", i%2, i), registrytest.DockerImage, "", "")
	}
	config := func(pw string) string {
		var b strings.Builder
		b.WriteString(cliProviderBlock(srv))
		for i := range 20 {
			attrs := registryImage(t, srv, acctest.Name("calls"), f.Host, fmt.Sprintf("team/r%d:v%d", i%2, i%4), "robot", pw)
			b.WriteString(strings.Replace(imageConfig("", attrs), `"test"`, strconv.Quote(fmt.Sprintf("img%d", i)), 1))
		}
		return b.String()
	}
	w := acctest.NewWorkdir(t, config(password))
	logPath := filepath.Join(w.Dir, "terraform.log")
	env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath, "UFDL_REGISTRY_CHECK=error"}
	f.Reset() // the pushes
	out, err := w.RunEnv(env, "plan", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Plan: 20 to add") {
		t.Errorf("plan output:\n%s", out)
	}
	counts := map[string]int{}
	for _, r := range f.Requests() {
		key := r.Method + " " + r.Path
		if strings.Contains(r.Path, "/manifests/") {
			key = r.Method + " manifest"
		}
		counts[strings.TrimSpace(fmt.Sprintf("%s %d %s", key, r.Status, r.Auth))]++
	}
	want := map[string]int{"GET /v2/ 401": 2, "GET /token 200 Basic": 2, "HEAD manifest 200 Bearer": 4}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("registry requests of one plan of 20 entries: %v, want %v", counts, want)
	}

	wrong := "wrongpw-" + acctest.RandomSuffix()
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(config(wrong)), 0o600); err != nil {
		t.Fatal(err)
	}
	f.Reset()
	out2, err := w.RunEnv(env, "plan", "-no-color")
	if err == nil || !errorText("Error: Registry Credentials Refused", `refused the credentials of registry user "robot"`).MatchString(out2) {
		t.Errorf("plan with a wrong password: %v\n%s", err, out2)
	}
	if n := len(f.Requests()); n != 4 {
		t.Errorf("a refused login was tried %d times over 2 repositories; want 2 pings and 2 token requests", n)
	}

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "registry request") {
		t.Fatalf("the TRACE log holds no registry request lines; the checks below would prove nothing")
	}
	secrets := append([]string{password, wrong}, f.Tokens()...)
	for what, text := range map[string]string{"plan output": out, "failed plan output": out2, "TRACE log": string(logs)} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains a secret (%.6s…)", what, s)
			}
		}
	}
}

// TestAccSampleCatalogWithCheckOff: the 23 images of the real deployment, imported with
// generated configuration, plan with neither an error nor a warning while their public
// registry is unreachable, since the registry check is off by default.
func TestAccSampleCatalogWithCheckOff(t *testing.T) {
	t.Parallel()
	srv, cat := samplesServer(t)
	var b strings.Builder
	b.WriteString(cliProviderBlock(srv))
	if len(cat.pks) != 23 {
		t.Fatalf("the sample catalog has %d images, want 23", len(cat.pks))
	}
	for _, pk := range cat.pks {
		fmt.Fprintf(&b, "import {\n  to = ufdl_dockerimage.img%d\n  id = \"%d\"\n}\n", pk, pk)
	}
	w := acctest.NewWorkdir(t, b.String())
	out, err := w.Run("plan", "-no-color", "-generate-config-out=generated.tf")
	if err != nil {
		t.Fatalf("plan -generate-config-out: %v\n%s", err, out)
	}
	out, err = w.Run("plan", "-no-color")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	// The only warning is the CLI's own about dev_overrides.
	if !strings.Contains(out, "Plan: 23 to import, 0 to add, 0 to change, 0 to destroy") || strings.Count(out, "Warning:") != 1 ||
		!strings.Contains(out, "Warning: Provider development overrides are in effect") {
		t.Errorf("plan of the imported sample catalog:\n%s", out)
	}
}
