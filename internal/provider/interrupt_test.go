// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package provider_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestAccInterruptDuringApply presses Ctrl-C while terraform creates 50 images on a slow
// server, 10 at a time: terraform must stop within seconds, and every image the server holds
// must be in state (none orphaned by a create cut short). A re-run of apply then creates the
// rest, without a duplicate, and converges.
//
// A terminal's Ctrl-C sends SIGINT to the whole foreground process group, provider included;
// a CI runner often signals terraform alone. Both are tried.
func TestAccInterruptDuringApply(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name  string
		group bool
	}{
		{"Ctrl-C to the process group", true},
		{"SIGINT to terraform alone", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			interruptApply(t, tc.group)
		})
	}
}

func interruptApply(t *testing.T, group bool) {
	const n, interruptAt = 50, 15
	srv := acctest.NewServer(t)
	prefix := acctest.Name("sigint")
	r := newTFRun(t, srv, prefix)
	// Slow creates keep the apply going for seconds; converge clears the fault.
	srv.Ref.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/create", Kind: refserver.FaultLatency, Latency: 500 * time.Millisecond})

	cliConfig := filepath.Join(r.w.Dir, "cli.tfrc")
	if _, err := os.Stat(cliConfig); err != nil {
		t.Fatalf("the working directory has no CLI configuration with the provider's dev_overrides: %v", err)
	}
	cmd := exec.Command(acctest.TerraformBinary(), "apply", "-auto-approve", "-parallelism=10", "-no-color", "-input=false", "-var", "n=50")
	cmd.Dir = r.w.Dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), r.env...)
	// Output goes to a file, which the test can read while terraform writes it.
	outPath := filepath.Join(r.w.Dir, "apply.out")
	outFile, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = outFile, outFile
	output := func() string {
		b, _ := os.ReadFile(outPath)
		return string(b)
	}
	// Its own process group, as a shell gives a foreground job, so that the group can be
	// signalled without touching the test binary.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	_ = outFile.Close() // terraform writes through its own copy
	if err != nil {
		t.Fatal(err)
	}
	// exited is closed once terraform has exited; waitErr is then its Wait error.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	kill := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			kill()
		}
	})

	// Interrupt once 15 creates have reached the server, while 35 are still to come.
	deadline := time.Now().Add(2 * time.Minute)
	for srv.Ref.Calls("POST /v1/docker/create") < interruptAt {
		select {
		case <-exited:
			t.Fatalf("terraform apply ended (%v) before %d creates reached the server:\n%s", waitErr, interruptAt, output())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 2 minutes only %d creates have reached the server:\n%s", srv.Ref.Calls("POST /v1/docker/create"), output())
		}
	}
	signalled := time.Now()
	if group {
		err = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	} else {
		err = cmd.Process.Signal(os.Interrupt)
	}
	if err != nil {
		t.Fatal(err)
	}
	// A hang detector, not a timing assertion: the figure goes to the log.
	select {
	case <-exited:
	case <-time.After(time.Minute):
		kill()
		t.Fatalf("terraform did not stop within a minute of SIGINT:\n%s", output())
	}
	stopped := time.Since(signalled)
	text := output()
	r.checkNoCrash("apply", text)
	r.checkClean("output of the interrupted apply", text)
	if !strings.Contains(text, "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", text)
	}
	onServer := len(srv.Ref.Images())
	logText, _ := os.ReadFile(r.logPath)
	t.Logf("terraform stopped %s after SIGINT; %d of %d images were created (%d adopted after the cancelled create); terraform: %v",
		stopped.Round(time.Millisecond), onServer, n, strings.Count(string(logText), "adopted the matching image"), waitErr)
	errs := map[string]int{}
	for _, d := range cliDiagnostics(text) {
		if d.severity == "Error" {
			errs[strings.Join(strings.Fields(d.text), " ")]++
		}
	}
	t.Logf("errors of the interrupted apply: %v", errs)
	if onServer >= n {
		t.Fatalf("all %d images were created: the interrupt came too late to test anything", n)
	}

	// Every image the server holds is in state, and nothing else is.
	if got := r.checkServerMatchesState(); got != onServer {
		t.Errorf("state holds %d images, the server %d", got, onServer)
	}
	if t.Failed() {
		t.Logf("output of the interrupted apply:\n%s", text)
		for _, line := range strings.Split(string(logText), "\n") {
			if strings.Contains(line, "create") && (strings.Contains(line, "WARN") || strings.Contains(line, "ERROR")) {
				t.Log(line)
			}
		}
		t.FailNow()
	}

	// The re-run creates the rest, none twice, and converges.
	r.converge("n=50")
	if got := len(srv.Ref.Images()); got != n {
		t.Errorf("the server holds %d images after the re-run, want %d", got, n)
	}
}

// destroyStep is one request of an image's destroy: the occurrence-th request (from 0) to
// method and route in the apply that destroys it.
type destroyStep struct {
	method, route string
	occurrence    int
}

func (s destroyStep) String() string {
	return fmt.Sprintf("%s %s #%d", s.method, s.route, s.occurrence+1)
}

// TestAccInterruptAtEachStepOfImageDestroy presses Ctrl-C at each step of an image's destroy,
// right after the server has carried it out: the real backend keeps an image that has tasks,
// so a destroy deletes, reads back, clears the tasks, deletes again and reads back. Whatever
// step the interrupt meets, the server then holds the image with all its tasks and state holds
// it too, or neither does; and the next destroy leaves nothing.
func TestAccInterruptAtEachStepOfImageDestroy(t *testing.T) {
	t.Parallel()
	// The steps, as this server needs them: the requests of an undisturbed destroy.
	srv := acctest.NewServerBehindProxy(t, backendLike)
	r := newTFRun(t, srv, acctest.Name("steps"))
	r.apply()
	r.must(0, nil, "plan", "-destroy", "-out=destroy.tfplan")
	srv.ResetCalls()
	r.must(0, nil, "apply", "destroy.tfplan")
	var steps []destroyStep
	seen := map[string]int{}
	for _, q := range srv.Requests() {
		if strings.HasPrefix(q.Route, "/v1/auth/") {
			continue
		}
		key := q.Method + " " + q.Route
		steps = append(steps, destroyStep{q.Method, q.Route, seen[key]})
		seen[key]++
	}
	t.Logf("the destroy of an image with tasks: %v", steps)
	if acctest.BackendLike() && len(steps) < 4 {
		t.Fatalf("the destroy took %d requests (%v); the real backend's takes a delete, a read-back, the clearing of tasks and another delete", len(steps), steps)
	}
	for _, step := range steps {
		t.Run(step.String(), func(t *testing.T) {
			t.Parallel()
			interruptDestroyAt(t, step)
		})
	}
}

func interruptDestroyAt(t *testing.T, step destroyStep) {
	srv := acctest.NewServerBehindProxy(t, backendLike)
	prefix := acctest.Name("ctrlc")
	r := newTFRun(t, srv, prefix)
	r.apply()
	before := r.state()
	r.must(0, nil, "plan", "-destroy", "-out=destroy.tfplan")

	cmd := exec.Command(acctest.TerraformBinary(), "apply", "-no-color", "-input=false", "destroy.tfplan")
	cmd.Dir = r.w.Dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(r.w.Dir, "cli.tfrc"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), r.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var interrupted atomic.Bool
	srv.Proxy.AddFault(acctest.Fault{Method: step.method, Route: step.route, Skip: step.occurrence, Times: 1,
		After: func(req *http.Request) {
			// Ctrl-C in a terminal reaches the whole foreground process group. The answer is
			// held until the provider gives up waiting for it, as it does once stopped.
			if syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) == nil {
				interrupted.Store(true)
			}
			select {
			case <-req.Context().Done():
			case <-time.After(15 * time.Second):
			}
		}})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-exited:
	case <-time.After(3 * time.Minute):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		waitErr = <-exited
		t.Fatalf("terraform did not finish the interrupted destroy within 3 minutes (%v):\n%s", waitErr, out.String())
	}
	text := out.String()
	r.checkNoCrash("apply", text)
	r.checkClean("output of the interrupted destroy", text)
	if hits := srv.Proxy.Hits(); !interrupted.Load() || hits[0] != 1 {
		t.Fatalf("the destroy never reached %s (faults applied %v times; terraform: %v):\n%s", step, hits, waitErr, text)
	}
	srv.Proxy.ClearFaults()
	t.Logf("interrupted after %s; terraform: %v", step, waitErr)

	// The image is on the server, with every task, and in state; or in neither.
	images, err := srv.ImagesNamed(prefix + "-")
	if err != nil {
		t.Fatal(err)
	}
	st := r.state()
	switch {
	case len(images) == 0 && len(st) == 0:
		t.Logf("the image was deleted, and state says so")
	case len(images) == 1 && len(st) == 1 && st[0].PK == before[0].PK:
		// The reference server gives []string, JSON []any.
		tasks := strings.Fields(strings.Trim(fmt.Sprint(images[0]["tasks"]), "[]"))
		if slices.Sort(tasks); !slices.Equal(tasks, []string{"Predict", "Train"}) {
			t.Errorf("the image was kept without its tasks: it has %q, want Predict and Train", tasks)
		}
		t.Logf("the image was kept with its tasks, and state says so")
		r.expectEmptyPlan(nil)
	default:
		t.Errorf("after the interrupted destroy the server holds %d images, state %+v (before: %+v):\n%s", len(images), st, before, text)
	}

	r.must(0, nil, "destroy", "-auto-approve")
	if got := r.checkServerMatchesState(); got != 0 {
		t.Errorf("state holds %d images after the next destroy, want none", got)
	}
}
