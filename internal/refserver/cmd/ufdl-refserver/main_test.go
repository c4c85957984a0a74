// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/syncbuf"
)

func TestRunServesAndStops(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-listen", "127.0.0.1:0", "-user", "alice", "-samples", "-url-file", urlFile}, stdoutW, &stderr)
		_ = stdoutW.Close()
		done <- err
	}()

	lines := bufio.NewScanner(stdoutR)
	var out []string
	for len(out) < 3 && lines.Scan() {
		out = append(out, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	if len(out) != 3 {
		t.Fatalf("stdout: got %q, want 3 lines", out)
	}
	m := regexp.MustCompile(`^ufdl-refserver listening on (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(out[0])
	if m == nil {
		t.Fatalf("first line %q", out[0])
	}
	url := m[1]
	admin := regexp.MustCompile(`^admin user: admin password: ([0-9a-f]{24})$`).FindStringSubmatch(out[1])
	if admin == nil {
		t.Fatalf("second line %q", out[1])
	}
	if !regexp.MustCompile(`^user: alice password: [0-9a-f]{24}$`).MatchString(out[2]) {
		t.Fatalf("third line %q", out[2])
	}
	written, err := os.ReadFile(urlFile)
	if err != nil || strings.TrimSpace(string(written)) != url {
		t.Fatalf("url file: %q, %v; want %q", written, err, url)
	}

	body := `{"username":"admin","password":"` + admin[1] + `"}`
	resp, err := http.Post(url+"/v1/auth/obtain", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tokens map[string]string
	err = json.NewDecoder(resp.Body).Decode(&tokens)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || tokens["access"] == "" || tokens["refresh"] == "" {
		t.Fatalf("obtain: %d %v %v", resp.StatusCode, tokens, err)
	}

	req, _ := http.NewRequest(http.MethodPost, url+"/v1/docker/list", nil)
	req.Header.Set("Authorization", "Bearer "+tokens["access"])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var images []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&images)
	resp.Body.Close()
	if err != nil || len(images) != 23 {
		t.Fatalf("list: %d images, %v", len(images), err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	log := stderr.String()
	for _, want := range []string{"POST /v1/auth/obtain 200 ", "POST /v1/docker/list 200 ", "ufdl-refserver stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, admin[1]) || strings.Contains(log, tokens["access"]) {
		t.Error("stderr contains a password or token")
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"-profile", "nope", "-listen", "127.0.0.1:0"},
		{"-listen", "127.0.0.1:0", "extra"},
		{"-no-such-flag"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

func TestEnvironmentFallback(t *testing.T) {
	t.Setenv("UFDL_REFSERVER_ADMIN_PASSWORD", "from-env")
	t.Setenv("UFDL_REFSERVER_LATENCY", "not-a-duration")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "-latency") {
		t.Fatalf("bad env duration: err %v", err)
	}

	// With valid values the environment is used; a cancelled context makes
	// run report and return at once.
	t.Setenv("UFDL_REFSERVER_LATENCY", "1ms")
	t.Setenv("UFDL_REFSERVER_USER", "bob")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stdout.Reset()
	if err := run(ctx, []string{"-listen", "127.0.0.1:0"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"admin user: admin password: (as given)\n", "user: bob password: "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "from-env") {
		t.Error("stdout shows a password the user gave")
	}
}
