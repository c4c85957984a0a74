// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registrytest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/syncbuf"
)

// DistributionBinary is Debian's docker-registry (distribution 2.8); EnsureScript installs it.
const (
	DistributionBinary = "/usr/bin/docker-registry"
	EnsureScript       = "internal/scripts/ensure-docker-registry.sh"
)

// Distribution is a real registry (Debian's docker-registry) serving from memory on a
// loopback port, started for one test, behind a recording proxy: the registry does not log
// the requests it refuses for want of credentials, and tests count those too.
type Distribution struct {
	// Host is the proxy's 127.0.0.1:port, what image references name.
	Host string
	// User and Password are the htpasswd account when started with Basic auth.
	User, Password string

	mu  sync.Mutex
	log []Request
}

// StartDistribution runs docker-registry for the life of t, without authentication or,
// with basic, behind an htpasswd file holding one random account. It fails t, naming the
// install script, when the binary is missing.
func StartDistribution(t TB, basic bool) *Distribution {
	t.Helper()
	if _, err := os.Stat(DistributionBinary); err != nil {
		t.Fatalf("%s is missing (%v): install Debian's docker-registry package with %s (as root), which make test runs through internal/scripts/testenv.sh",
			DistributionBinary, err, EnsureScript)
	}
	d := &Distribution{}
	dir := t.TempDir()
	var cfg string
	if basic {
		d.User, d.Password = "ci-"+randomHex(4), "pw-"+randomHex(12)
		hash, err := bcrypt.GenerateFromPassword([]byte(d.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(d.User+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg = fmt.Sprintf("auth:\n  htpasswd:\n    realm: registrytest\n    path: %s\n", htpasswd)
	}
	var backend string
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		backend = fmt.Sprintf("127.0.0.1:%d", port)
		file := filepath.Join(dir, "config.yml")
		full := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"+
			"storage:\n  inmemory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", backend) + cfg
		if err := os.WriteFile(file, []byte(full), 0o600); err != nil {
			t.Fatal(err)
		}
		if lastErr = startProcess(t, file, backend); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("docker-registry did not start: %v", lastErr)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", backend
			r.Out.Host = r.In.Host // the registry writes upload locations with the proxy's address
		},
		ModifyResponse: d.record,
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	d.Host = strings.TrimPrefix(front.URL, "http://")
	return d
}

// startProcess starts the registry and waits until it answers on addr.
func startProcess(t TB, config, addr string) error {
	cmd := exec.Command(DistributionBinary, "serve", config)
	stderr := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("exited at start: %s", stderr.String())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("no answer on %s within 15s", addr)
}

// record is the proxy's log of what the registry answered, written before the client
// reads the answer so that a test that has its answer also has its record.
func (d *Distribution) record(resp *http.Response) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.log = append(d.log, Request{Method: resp.Request.Method, Path: resp.Request.URL.Path, Status: resp.StatusCode, Auth: authScheme(resp.Request)})
	return nil
}

// Requests returns the requests the registry answered since the last call.
func (d *Distribution) Requests() []Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.log
	d.log = nil
	return out
}

// Push pushes a random image of kind k to repoTag with the registry's account.
func (d *Distribution) Push(t TB, repoTag string, k Kind) string {
	t.Helper()
	digest := Push(t, d.Host, repoTag, k, d.User, d.Password)
	d.Requests() // the push is not the test's requests
	return digest
}

// Delete removes the manifest digest from repo, as `registry garbage-collect` users do to
// retire an image; every tag pointing at it goes with it.
func (d *Distribution) Delete(t TB, repo, digest string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, "http://"+d.Host+"/v2/"+repo+"/manifests/"+digest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.User != "" {
		req.SetBasicAuth(d.User, d.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deleting %s@%s: HTTP %d", repo, digest, resp.StatusCode)
	}
	d.Requests()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
