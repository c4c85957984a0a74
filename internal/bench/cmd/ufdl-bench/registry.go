// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/registry/registrytest"
)

// The registry check's figures (-registry-check N): terraform plan of N new images spread
// over registryRepos repositories of an in-process registry with the Bearer token flow,
// with UFDL_REGISTRY_CHECK off and error: wall time, registry calls by kind, UFDL API calls.
const registryRepos = 5

// benchTB lets the registry test helpers run outside a test: a failure ends the command.
type benchTB struct {
	cleanups []func()
	dir      string
}

func (b *benchTB) Helper()                   {}
func (b *benchTB) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (b *benchTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (b *benchTB) Cleanup(f func())          { b.cleanups = append(b.cleanups, f) }
func (b *benchTB) TempDir() string           { return b.dir }

func (b *benchTB) close() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
	os.RemoveAll(b.dir)
}

func runRegistryBench(o options, bin string, n int, latency time.Duration) (err error) {
	dir, err := os.MkdirTemp("", "ufdl-bench-registry-")
	if err != nil {
		return err
	}
	tb := &benchTB{dir: dir}
	defer tb.close()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("registry: %v", r)
		}
	}()

	f := registrytest.NewFake(tb, registrytest.WithAuth(registrytest.Bearer, "bench", "bench-registry-pw"))
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("bench/r%d:t%05d", i%registryRepos, i/registryRepos)
		registrytest.Push(tb, f.Store, refs[i], registrytest.DockerImage, "", "")
	}
	if latency > 0 {
		f.Inject(registrytest.Fault{Delay: latency}) // every answer, then the registry's own
	}

	srv, err := startServer(o)
	if err != nil {
		return err
	}
	defer srv.close()
	ws, err := newWorkspace(o, srv, bin, "registry")
	if err != nil {
		return err
	}
	defer os.RemoveAll(ws.dir)
	if err := ws.write(registryConfig(f.Host, refs)); err != nil {
		return err
	}

	fmt.Fprintf(o.out, "\nregistry check: terraform plan of %d new images over %d repositories (%d distinct tags), registry latency %s per request\n",
		n, registryRepos, n, latency)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "registry_check\twall\tregistry calls\tlogins (ping+token)\tmanifest requests\tUFDL API calls\t\n")
	var byKind []string
	for _, mode := range []string{"off", "error"} {
		f.Reset()
		srv.reset()
		ws.env = append(ws.env, "UFDL_REGISTRY_CHECK="+mode)
		r, err := ws.run("plan", "-detailed-exitcode")
		ws.env = ws.env[:len(ws.env)-1]
		if err != nil {
			return err
		}
		if r.exit != 2 {
			return fmt.Errorf("registry_check = %s: plan exited %d, want 2 (changes):\n%s", mode, r.exit, tail(r.out))
		}
		counts := map[string]int{}
		logins, manifests := 0, 0
		reqs := f.Requests()
		for _, q := range reqs {
			key := q.Method + " " + q.Path
			switch {
			case strings.Contains(q.Path, "/manifests/"):
				key = q.Method + " manifest"
				manifests++
			case q.Path == "/v2/" || q.Path == "/token":
				logins++
			}
			counts[fmt.Sprintf("%s %d", key, q.Status)]++
		}
		api := 0
		for _, c := range srv.ref.CallCounts() {
			api += c
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", mode, fmtDur(r.wall), len(reqs), logins, manifests, api)
		line := "none"
		if len(counts) > 0 {
			line = summarize(counts)
		}
		byKind = append(byKind, fmt.Sprintf("  %-6s %s", mode, line))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(o.out, "registry calls by kind:")
	for _, l := range byKind {
		fmt.Fprintln(o.out, l)
	}
	fmt.Fprintf(o.out, "design: %d logins (a ping and a token per repository) and one HEAD per distinct tag with the check on; none with it off\n", 2*registryRepos)
	return nil
}

// registryConfig is one image per reference, with the registry's account.
func registryConfig(host string, refs []string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\nprovider \"ufdl\" {}\n")
	for i, ref := range refs {
		fmt.Fprintf(&b, `resource "ufdl_dockerimage" "img%d" {
  name = "bench-%05d"
  version = "v1"
  url = "%s/%s"
  registry_url = "%s"
  registry_username = "bench"
  registry_password = "bench-registry-pw"
  cuda_version = "11.1"
  framework = 18
  domain = "od"
  tasks = ["Train", "Predict"]
  min_hardware_generation = "Pascal"
  licence = "GPL3"
}
`, i, i, host, ref, host)
	}
	return b.String()
}
