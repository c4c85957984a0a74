// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// measureAll measures the four phases for n images with the -compare revision's provider,
// the working tree's and terraform_data, by default interleaved phase by phase (each phase of
// REV, then the same of the working tree, then terraform_data's), so that a change in the
// load of a shared machine or server falls on both builds alike. A phase the revision fails
// ends only its measurement (unless the run was interrupted): the working tree's goes on, and
// the revision's figures lack the phases from there.
func measureAll(o options, b builds, n int) (r sizeResults, err error) {
	var sessions []*session
	defer func() {
		for _, s := range sessions {
			err = errors.Join(err, s.close(err == nil && s.failed == nil))
		}
	}()
	start := func(b build, baseline bool) (*session, error) {
		s, err := startSession(o, b, n, baseline)
		if err == nil {
			sessions = append(sessions, s)
		}
		return s, err
	}
	var tree, rev, base *session
	if b.rev != nil {
		if rev, err = start(*b.rev, false); err != nil {
			return r, err
		}
		rev.optional = true
	}
	if tree, err = start(b.tree, false); err != nil {
		return r, err
	}
	if o.baseline {
		if base, err = start(b.tree, true); err != nil {
			return r, err
		}
	}
	for _, run := range schedule(sessions, o.interleave) {
		s := run.s
		if s.failed != nil {
			continue
		}
		switch err := s.step(run.st); {
		case err == nil:
		case !s.optional || o.ctx.Err() != nil:
			return r, err
		default:
			s.failed = err
			fmt.Fprintf(os.Stderr, "ufdl-bench: %v\n(going on without %s)\n", err, s.label)
		}
	}
	return sizeResults{tree: tree.results(), rev: rev.results(), base: base.results()}, nil
}

type sessionStep struct {
	s  *session
	st step
}

// schedule orders the sessions' phases: interleaved, every session's apply, then every
// session's plan, ...; otherwise one session's four phases after the other's.
func schedule(sessions []*session, interleave bool) []sessionStep {
	var out []sessionStep
	for i := range len(sessions) * len(steps) {
		if interleave {
			out = append(out, sessionStep{sessions[i%len(sessions)], steps[i/len(sessions)]})
		} else {
			out = append(out, sessionStep{sessions[i/len(steps)], steps[i%len(steps)]})
		}
	}
	return out
}

// session is one measurement: a provider build (or terraform_data) with a server (or proxy)
// of its own, a working directory and images named apart from every other session's.
type session struct {
	label    string
	baseline bool
	optional bool  // its failure does not end the run (the -compare revision)
	failed   error // the phase it failed, after which it runs no more
	srv      *benchServer
	ws       *workspace
	images   imageSet
	res      map[string]phaseResult
}

func startSession(o options, b build, n int, baseline bool) (*session, error) {
	srv, err := startServer(o)
	if err != nil {
		return nil, err
	}
	framework, err := srv.api.frameworkPK("yolo", "v7")
	if err != nil {
		srv.close()
		return nil, err
	}
	ws, err := newWorkspace(o, srv, b.bin, "")
	if err != nil {
		srv.close()
		return nil, err
	}
	label := b.label
	if baseline {
		label = "terraform_data"
	}
	return &session{label: label, baseline: baseline, srv: srv, ws: ws, res: map[string]phaseResult{},
		images: imageSet{n: n, prefix: fmt.Sprintf("%s-%s-%d", o.runID, b.tag, n), framework: framework}}, nil
}

// step runs one phase and records its figures.
func (s *session) step(st step) error {
	if err := s.ws.write(s.images.config(st.suffix, s.baseline)); err != nil {
		return err
	}
	s.srv.reset()
	r, err := s.ws.run(st.args...)
	if err != nil {
		return fmt.Errorf("%s, %d images: %w", s.label, s.images.n, err)
	}
	if st.phase == "plan" && r.exit != 0 {
		return fmt.Errorf("%s, %d images: the plan right after apply is not empty (exit %d):\n%s", s.label, s.images.n, r.exit, tail(r.out))
	}
	s.res[st.phase] = s.srv.result(r)
	return nil
}

// results are the figures by phase; nil for no session.
func (s *session) results() map[string]phaseResult {
	if s == nil {
		return nil
	}
	return s.res
}

// close removes whatever of the session's images is still on the server, after a failure
// too, then its working directory and server. After a destroy that succeeded there must be
// none: finding some is an error.
func (s *session) close(destroyed bool) error {
	defer s.srv.close()
	defer os.RemoveAll(s.ws.dir)
	if s.baseline {
		return nil
	}
	removed, err := s.srv.api.removeImages(s.images.prefix)
	switch {
	case err != nil:
		return fmt.Errorf("removing the images named %s* from the server: %w", s.images.prefix, err)
	case removed > 0 && destroyed:
		return fmt.Errorf("%s: %d images named %s* were left on the server after destroy (removed now)", s.label, removed, s.images.prefix)
	case removed > 0:
		fmt.Fprintf(os.Stderr, "ufdl-bench: removed the %d images named %s* from the server\n", removed, s.images.prefix)
	}
	return nil
}

// imageSet is the images of one measurement: n of them named prefix-00000..., with the
// server's pk of framework yolo v7.
type imageSet struct {
	n         int
	prefix    string
	framework int64
}

// config renders the images; suffix changes every url so that an update touches each image
// once.
func (s imageSet) config(suffix string, baseline bool) string {
	var b strings.Builder
	if !baseline {
		b.WriteString("terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\nprovider \"ufdl\" {}\n")
	}
	for i := 0; i < s.n; i++ {
		attrs := fmt.Sprintf(`name = "%s-%05d"
    version = "v1"
    url = "registry.example.com:443/bench/img-%05d:v1%s"
    registry_url = "registry.example.com:443"
    registry_username = "public"
    registry_password = "public"
    cuda_version = "11.1"
    framework = %d
    domain = "od"
    tasks = ["Train", "Predict"]
    min_hardware_generation = "Pascal"
    cpu = false
    licence = "GPL3"`, s.prefix, i, i, suffix, s.framework)
		if baseline {
			fmt.Fprintf(&b, "resource \"terraform_data\" \"img%d\" {\n  input = {\n    %s\n  }\n}\n", i, attrs)
		} else {
			fmt.Fprintf(&b, "resource \"ufdl_dockerimage\" \"img%d\" {\n  %s\n}\n", i, attrs)
		}
	}
	return b.String()
}

// workspace is one terraform working directory whose provider comes from dev_overrides.
type workspace struct {
	ctx         context.Context // its end interrupts the command
	dir         string
	env         []string
	terraform   string
	bin         string
	parallelism int
}

func newWorkspace(o options, srv *benchServer, bin, name string) (*workspace, error) {
	dir, err := os.MkdirTemp("", "ufdl-bench-"+name)
	if err != nil {
		return nil, err
	}
	cli := filepath.Join(dir, "cli.tfrc")
	binDir := filepath.Dir(bin)
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/waikato-ufdl/ufdl\" = %q\n    \"registry.opentofu.org/waikato-ufdl/ufdl\" = %q\n  }\n  direct {}\n}\n", binDir, binDir)
	if err := os.WriteFile(cli, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"UFDL_HOST="+srv.url, "UFDL_USERNAME="+srv.user, "UFDL_PASSWORD="+srv.password)
	env = append(env, o.extraEnv...)
	return &workspace{ctx: o.ctx, dir: dir, env: env, terraform: o.terraform, bin: bin, parallelism: o.parallelism}, nil
}

func (w *workspace) write(cfg string) error {
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cfg), 0o600)
}

type runResult struct {
	wall          time.Duration
	exit          int
	out           string
	providerPeak  int64         // KiB, -1 unknown
	terraformPeak int64         // KiB, -1 unknown
	cpu           time.Duration // CPU time of terraform and its providers; -1 unknown (or concurrent runs)
	providerCPU   time.Duration // CPU time of the providers alone (sampled); -1 unknown
}

// run runs one terraform command, watching the peak memory of terraform and of the provider
// processes it starts. Exit code 2 of plan -detailed-exitcode is reported, not an error.
func (w *workspace) run(args ...string) (runResult, error) {
	cmd := exec.CommandContext(w.ctx, w.terraform, append(args, "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", w.parallelism))...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) } // terraform stops cleanly
	cmd.WaitDelay = time.Minute
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cpuBefore := childrenCPU()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return runResult{}, err
	}
	watch := watchMemory(cmd.Process.Pid, w.bin)
	err := cmd.Wait()
	wall := time.Since(start)
	tfPeak, provPeak, provCPU := watch.stop()
	r := runResult{wall: wall, out: out.String(), providerPeak: provPeak, terraformPeak: tfPeak, providerCPU: provCPU, cpu: -1}
	if cpuBefore >= 0 {
		r.cpu = childrenCPU() - cpuBefore // exact when commands run one at a time
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.exit = ee.ExitCode()
		if args[0] == "plan" && r.exit == 2 {
			err = nil
		}
	}
	if err != nil && w.ctx.Err() != nil {
		return r, fmt.Errorf("terraform %s in %s: interrupted\n%s", args[0], w.dir, tail(r.out))
	}
	if err != nil {
		return r, fmt.Errorf("terraform %s in %s: %v\n%s", args[0], w.dir, err, tail(r.out))
	}
	return r, nil
}

// buildProvider builds the provider whose sources are in src into a temporary directory and
// returns the binary's path.
func buildProvider(src string) (string, error) {
	dir, err := os.MkdirTemp("", "ufdl-bench-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "terraform-provider-ufdl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("building the provider (run from the repository root): %v\n%s", err, out)
	}
	return bin, nil
}
