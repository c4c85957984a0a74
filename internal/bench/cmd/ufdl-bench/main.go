// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Command ufdl-bench measures the provider end to end: it builds the provider and times
// terraform apply / plan / update / destroy of N images with the real terraform CLI against a
// UFDL server, counting the API calls of each phase (per image, and the constant per
// terraform command, fitted over the sizes), the server's request latency and busy time by route,
// and the provider's peak memory; then it times the same phases with Terraform's built-in
// terraform_data resource holding the same attributes, as the baseline.
//
// The server is a reference server started in-process (internal/refserver), or with -host an
// external UFDL deployment, the real backend for example, behind an in-process recording
// reverse proxy that counts the provider's calls by the reference server's route keys.
//
// With -compare REV it also builds the provider as it is at git revision REV and runs the same
// phases with that binary, against the same kind of server and the same N, interleaved with
// the working tree's phase by phase (REV's apply, the working tree's apply, terraform_data's
// apply, then the plans, ...); a table then puts REV's wall time and calls per image next to
// the working tree's, with the ratio, and terraform_data's wall time as a third column.
// Interleaved against one external server, both builds' images are in its catalog together,
// which lengthens its whole-catalog lists alike for both; -interleave=false measures one
// build after the other instead, each with only its own images there.
//
// With -concurrent K it instead runs K terraform processes at once, each with its own state of
// -concurrent-n images, against one reference server: apply, plan, update and destroy must all
// succeed without cross-talk, and the server's latency percentiles are reported.
//
// Flags:
//
//	-n 100,1000         numbers of images, measured one after the other
//	-host URL           an external UFDL server instead of the reference server; the admin
//	                    user's credentials come from UFDL_USERNAME and UFDL_PASSWORD. The images
//	                    are named bench-RUN-..., unique to the run, and removed over the API
//	                    when each measurement ends, also when it fails or is interrupted (tasks
//	                    cleared first: the real backend keeps an image with tasks on DELETE)
//	-compare REV        also measure the provider built from git revision REV (e.g. bca97f4)
//	-interleave=false   with -compare, REV's four phases, then the working tree's, then
//	                    terraform_data's, instead of phase by phase in turn
//	-latency D          reference server latency per request (-latency 40ms -serial emulates
//	                    the real backend's timing; with -profile ufdl-backend also its calls)
//	-serial             reference server answers one request at a time, as the real backend
//	-profile P          reference server profile: documented (default) or ufdl-backend, the
//	                    real backend's measured quirks (e.g. an image with tasks survives DELETE)
//	-baseline=false     skip terraform_data
//	-parallelism P      terraform -parallelism (default 10)
//	-terraform PATH     the CLI to drive (default $TF_ACC_TERRAFORM_PATH, else terraform)
//	-provider-env K=V,... extra environment for the provider (e.g. UFDL_BATCH_READS=false)
//	-concurrent K       K terraform processes at once instead (reference server only)
//	-concurrent-n N     images per process with -concurrent (default 100)
//	-registry-check N   instead: a plan of N new images with the registry check off and on
//	-registry-latency D with -registry-check: the registry's latency per request (default 20ms)
//	-adopt              instead: the first plan of examples/adopt-deployment over the seed
//	                    catalog (62 rows, 23 images), which imports everything and writes
//	                    nothing, with its API calls by route; with -compare, REV's too
//
// Examples, from the repository root (it builds the provider with go build):
//
//	go run ./internal/bench/cmd/ufdl-bench                          # N = 100 and 1000
//	go run ./internal/bench/cmd/ufdl-bench -n 100 -baseline=false
//	go run ./internal/bench/cmd/ufdl-bench -n 50,500 -latency 40ms -serial -compare bca97f4
//	UFDL_USERNAME=admin UFDL_PASSWORD=admin \
//	  go run ./internal/bench/cmd/ufdl-bench -host http://127.0.0.1:8767 -n 50,500 -compare bca97f4
//	go run ./internal/bench/cmd/ufdl-bench -concurrent 10           # 10 processes x 100 images
//	go run ./internal/bench/cmd/ufdl-bench -registry-check 500      # plan with the registry check off / on
//	go run ./internal/bench/cmd/ufdl-bench -adopt -profile ufdl-backend -latency 40ms -serial
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ufdl-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	sizes       []int
	parallelism int
	latency     time.Duration
	serial      bool
	profile     string
	host        string
	compare     string
	interleave  bool
	terraform   string
	extraEnv    []string
	baseline    bool
	concurrent  int
	concurrentN int
	runID       string          // begins every image name of this run: bench-<time><pid>
	ctx         context.Context // done on SIGINT or SIGTERM: terraform is interrupted, the images removed
	out         io.Writer

	registryN       int
	registryLatency time.Duration

	adopt   bool // the adoption plan of the seed catalog instead
	samples bool // the reference server holds the sample images (set by -adopt)
}

func run() error {
	o, err := parseFlags()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }() // a second signal ends the bench at once
	o.ctx = ctx
	tfVersion, err := exec.Command(o.terraform, "version").Output()
	if err != nil {
		return fmt.Errorf("%s version: %v (set -terraform or TF_ACC_TERRAFORM_PATH)", o.terraform, err)
	}

	tree, err := buildProvider(".")
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(tree))
	b := builds{tree: build{label: "working tree", tag: "wt", bin: tree}}
	if o.compare != "" {
		rev, cleanup, err := buildRevision(o.compare)
		if err != nil {
			return err
		}
		defer cleanup()
		b.rev = &rev
	}

	fmt.Fprintf(o.out, "ufdl-bench: %s, %s/%s, %d CPUs, %s; %s, -parallelism=%d\n",
		firstLine(string(tfVersion)), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), describe(o), o.parallelism)
	if o.concurrent > 0 {
		return runConcurrent(o, tree)
	}
	if o.registryN > 0 {
		return runRegistryBench(o, tree, o.registryN, o.registryLatency)
	}
	if o.adopt {
		return runAdoptBench(o, b)
	}
	res := map[int]sizeResults{}
	for _, n := range o.sizes {
		if res[n], err = benchSize(o, b, n); err != nil {
			return err
		}
	}
	return printSummary(o, b, res)
}

func parseFlags() (options, error) {
	o := options{out: os.Stdout, runID: fmt.Sprintf("bench-%s%x", strconv.FormatInt(time.Now().UnixMilli(), 36), os.Getpid()%4096)}
	sizes := flag.String("n", "100,1000", "comma-separated numbers of images, measured one after the other")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.DurationVar(&o.latency, "latency", 0, "reference server latency per request (emulates a slow backend)")
	flag.BoolVar(&o.serial, "serial", false, "reference server handles one request at a time (as the real backend)")
	flag.StringVar(&o.profile, "profile", "", "reference server profile: documented (default) or ufdl-backend (the real backend's measured quirks)")
	flag.StringVar(&o.host, "host", "", "external UFDL server URL instead of the reference server (admin credentials from UFDL_USERNAME, UFDL_PASSWORD)")
	flag.StringVar(&o.compare, "compare", "", "git revision whose provider is measured too, next to the working tree's (e.g. bca97f4)")
	flag.BoolVar(&o.interleave, "interleave", true, "run the builds' phases in turn (false: one build's four phases after the other's)")
	flag.StringVar(&o.terraform, "terraform", envOr("TF_ACC_TERRAFORM_PATH", "terraform"), "terraform (or tofu) binary")
	flag.BoolVar(&o.baseline, "baseline", true, "also time terraform_data with the same attributes")
	flag.IntVar(&o.concurrent, "concurrent", 0, "run this many terraform processes at once against one server instead (0: off)")
	flag.IntVar(&o.concurrentN, "concurrent-n", 100, "images per process with -concurrent")
	flag.IntVar(&o.registryN, "registry-check", 0, "instead: plan this many new images over 5 repositories with the registry check off and on (0: off)")
	flag.DurationVar(&o.registryLatency, "registry-latency", 20*time.Millisecond, "with -registry-check: the registry's latency per request")
	flag.BoolVar(&o.adopt, "adopt", false, "instead: the adoption plan of the seed catalog (examples/adopt-deployment), its API calls by route")
	env := flag.String("provider-env", "", "extra KEY=VALUE,... for the provider (e.g. UFDL_BATCH_READS=false)")
	flag.Parse()
	if flag.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-n: %q is not a positive number", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.concurrent < 0 || o.concurrentN < 1 || o.parallelism < 1 {
		return o, errors.New("-concurrent must be 0 or more, -concurrent-n and -parallelism 1 or more")
	}
	if o.host != "" && (o.latency != 0 || o.serial || o.profile != "") {
		return o, errors.New("-latency, -serial and -profile are for the reference server, not -host")
	}
	if (o.compare != "" || o.host != "") && (o.concurrent > 0 || o.registryN > 0) {
		return o, errors.New("-compare and -host go with the phase measurements or -adopt, not -concurrent or -registry-check")
	}
	if o.adopt && (o.concurrent > 0 || o.registryN > 0) {
		return o, errors.New("-adopt is a measurement of its own: not with -concurrent or -registry-check")
	}
	if *env != "" {
		o.extraEnv = strings.Split(*env, ",")
	}
	return o, nil
}

// step is one measured terraform command; suffix, added to every url, makes update change
// each image once.
type step struct {
	phase, suffix string
	args          []string
}

var steps = []step{
	{"apply", "", []string{"apply", "-auto-approve"}},
	{"plan", "", []string{"plan", "-detailed-exitcode"}},
	{"update", "-v2", []string{"apply", "-auto-approve"}},
	{"destroy", "-v2", []string{"destroy", "-auto-approve"}},
}

// designPerImage is what the provider is designed to call per image in each phase (with its
// default batch reads, which refresh all images with a few list calls per process).
var designPerImage = map[string]string{
	"apply":   "1 (create)",
	"plan":    "0 (1 without batch reads)",
	"update":  "1 (2 without batch reads)",
	"destroy": "2 (3 without batch reads)",
}

// phaseResult is one terraform command's measurements.
type phaseResult struct {
	wall          time.Duration
	counts        map[string]int // API calls by route key
	total         int
	imageCalls    int // calls on one image: create, retrieve, PUT, PATCH, DELETE
	latency       latencySummary
	providerPeak  int64          // KiB, the largest provider process of the command; -1 unknown
	terraformPeak int64          // KiB; -1 unknown
	cpu           time.Duration  // terraform and providers together; -1 unknown
	providerCPU   time.Duration  // providers only (sampled); -1 unknown
	routes        []routeSummary // latency and busy time by route
}

// builds are the provider binaries measured: the working tree's and, with -compare, the
// revision's.
type builds struct {
	tree build
	rev  *build
}

// sizeResults are one size's measurements by phase: the working tree's provider, the
// -compare revision's (nil without) and terraform_data's (nil without -baseline).
type sizeResults struct {
	tree, rev, base map[string]phaseResult
}

// benchSize measures n images and prints the figures.
func benchSize(o options, b builds, n int) (sizeResults, error) {
	r, err := measureAll(o, b, n)
	if err != nil {
		return r, err
	}
	return r, printSize(o, b, n, r)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// tailBytes is how much of a command's output an error shows.
const tailBytes = 3000

// tail returns the end of s, at most tailBytes of it.
func tail(s string) string {
	if len(s) <= tailBytes {
		return s
	}
	return "..." + s[len(s)-tailBytes:]
}
