// Command ufdl-bench measures the provider end to end: it starts a reference server in-process,
// builds the provider, and times terraform apply / plan / update / destroy of N images with
// the real terraform CLI, counting the API calls of each phase (per image, and the constant
// per terraform command, fitted over the sizes), the server's request latency and the
// provider's peak memory; then it times the same phases with Terraform's built-in
// terraform_data resource holding the same attributes, as the baseline.
//
// With -concurrent K it instead runs K terraform processes at once, each with its own state of
// -concurrent-n images, against one server: apply, plan, update and destroy must all succeed
// without cross-talk, and the server's latency percentiles are reported.
//
//	go run ./internal/bench/cmd/ufdl-bench                          # N = 100 and 1000
//	go run ./internal/bench/cmd/ufdl-bench -n 100 -baseline=false
//	go run ./internal/bench/cmd/ufdl-bench -concurrent 10           # 10 processes x 100 images
//	go run ./internal/bench/cmd/ufdl-bench -registry-check 500      # plan with the registry check off / on
//
// Run it from the repository root (it builds the provider with go build).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
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
	terraform   string
	extraEnv    []string
	baseline    bool
	concurrent  int
	concurrentN int
	out         io.Writer

	registryN       int
	registryLatency time.Duration
}

func run() error {
	o := options{out: os.Stdout}
	sizes := flag.String("n", "100,1000", "comma-separated numbers of images, measured one after the other")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.DurationVar(&o.latency, "latency", 0, "reference server latency per request (emulates a slow backend)")
	flag.BoolVar(&o.serial, "serial", false, "reference server handles one request at a time (as the real backend)")
	flag.StringVar(&o.terraform, "terraform", envOr("TF_ACC_TERRAFORM_PATH", "terraform"), "terraform (or tofu) binary")
	flag.BoolVar(&o.baseline, "baseline", true, "also time terraform_data with the same attributes")
	flag.IntVar(&o.concurrent, "concurrent", 0, "run this many terraform processes at once against one server instead (0: off)")
	flag.IntVar(&o.concurrentN, "concurrent-n", 100, "images per process with -concurrent")
	flag.IntVar(&o.registryN, "registry-check", 0, "instead: plan this many new images over 5 repositories with the registry check off and on (0: off)")
	flag.DurationVar(&o.registryLatency, "registry-latency", 20*time.Millisecond, "with -registry-check: the registry's latency per request")
	env := flag.String("provider-env", "", "extra KEY=VALUE,... for the provider (e.g. UFDL_BATCH_READS=false)")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-n: %q is not a positive number", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.concurrent < 0 || o.concurrentN < 1 || o.parallelism < 1 {
		return errors.New("-concurrent must be 0 or more, -concurrent-n and -parallelism 1 or more")
	}
	if *env != "" {
		o.extraEnv = strings.Split(*env, ",")
	}
	tfVersion, err := exec.Command(o.terraform, "version").Output()
	if err != nil {
		return fmt.Errorf("%s version: %v (set -terraform or TF_ACC_TERRAFORM_PATH)", o.terraform, err)
	}

	bin, err := buildProvider()
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(bin))

	fmt.Fprintf(o.out, "ufdl-bench: %s, %s/%s, %d CPUs, %s; server latency %s, serial %t, -parallelism=%d\n",
		firstLine(string(tfVersion)), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), o.latency, o.serial, o.parallelism)
	if o.concurrent > 0 {
		return runConcurrent(o, bin)
	}
	if o.registryN > 0 {
		return runRegistryBench(o, bin, o.registryN, o.registryLatency)
	}
	ufdl := map[int]map[string]phaseResult{}
	for _, n := range o.sizes {
		if ufdl[n], err = benchSize(o, bin, n); err != nil {
			return err
		}
	}
	return printSummary(o, ufdl)
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
	providerPeak  int64         // KiB, the largest provider process of the command; -1 unknown
	terraformPeak int64         // KiB; -1 unknown
	cpu           time.Duration // terraform and providers together; -1 unknown
	providerCPU   time.Duration // providers only (sampled); -1 unknown

	baseWall, baseCPU time.Duration // terraform_data's, once benchSize has run it; 0 none
}

// benchSize measures the four phases for n images with the provider and with terraform_data,
// prints them and returns the provider's figures (each with the baseline's wall and CPU).
func benchSize(o options, bin string, n int) (map[string]phaseResult, error) {
	ufdl, err := measure(o, bin, n, false)
	if err != nil {
		return nil, err
	}
	base := map[string]phaseResult{}
	if o.baseline {
		if base, err = measure(o, bin, n, true); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(o.out, "\nN = %d images: wall time (ratio = ufdl_dockerimage / terraform_data), CPU, peak memory\n", n)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tufdl_dockerimage\tterraform_data\tratio\tCPU tf+provider\tprovider CPU\tterraform_data CPU\tprovider peak RSS\tterraform peak RSS\t\n")
	for _, s := range steps {
		r, b := ufdl[s.phase], base[s.phase]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.phase, fmtDur(r.wall), fmtWall(b), ratio(r, b),
			fmtDur(r.cpu), fmtDur(r.providerCPU), fmtCPU(b), fmtKiB(r.providerPeak), fmtKiB(r.terraformPeak))
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.out, "\nN = %d images: API calls and server latency\n", n)
	tw = tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tAPI calls\tper image\timage calls/image\tdesign/image\tother calls\tserver p50\tserver p95\tserver max\t\n")
	for _, s := range steps {
		r := ufdl[s.phase]
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\t%d\t%s\t%s\t%s\t\n", s.phase, r.total, float64(r.total)/float64(n), float64(r.imageCalls)/float64(n),
			designPerImage[s.phase], r.total-r.imageCalls, fmtDur(r.latency.p50), fmtDur(r.latency.p95), fmtDur(r.latency.max))
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.out, "calls by route (N = %d):\n", n)
	for _, s := range steps {
		fmt.Fprintf(o.out, "  %-8s %s\n", s.phase, summarize(ufdl[s.phase].counts))
	}
	for ph, b := range base {
		r := ufdl[ph]
		r.baseWall, r.baseCPU = b.wall, b.cpu
		ufdl[ph] = r
	}
	return ufdl, nil
}

// printSummary puts the sizes side by side: the wall-time ratios to terraform_data, and the
// API calls of each phase split into a cost per image and a constant per provider process,
// from the line through the smallest and the largest size.
func printSummary(o options, ufdl map[int]map[string]phaseResult) error {
	sizes := append([]int(nil), o.sizes...)
	sort.Ints(sizes)
	sizes = slices.Compact(sizes)
	lo, hi := sizes[0], sizes[len(sizes)-1]
	fmt.Fprintf(o.out, "\nSummary\n")
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\t")
	for _, n := range sizes {
		fmt.Fprintf(tw, "ratio N=%d\t", n)
	}
	for _, n := range sizes {
		fmt.Fprintf(tw, "calls N=%d\t", n)
	}
	if hi > lo {
		fmt.Fprintf(tw, "calls/image\tconstant\t")
	}
	fmt.Fprintf(tw, "design/image\t\n")
	for _, s := range steps {
		fmt.Fprintf(tw, "%s\t", s.phase)
		for _, n := range sizes {
			r := ufdl[n][s.phase]
			fmt.Fprintf(tw, "%s\t", ratio(r, phaseResult{wall: r.baseWall}))
		}
		for _, n := range sizes {
			fmt.Fprintf(tw, "%d\t", ufdl[n][s.phase].total)
		}
		if hi > lo {
			cLo, cHi := float64(ufdl[lo][s.phase].total), float64(ufdl[hi][s.phase].total)
			per := (cHi - cLo) / float64(hi-lo)
			fmt.Fprintf(tw, "%.2f\t%.1f\t", per, cLo-per*float64(lo))
		}
		fmt.Fprintf(tw, "%s\t\n", designPerImage[s.phase])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hi > lo {
		fmt.Fprintf(o.out, "calls/image and constant: the line through N=%d and N=%d; the constant is per terraform command\n"+
			"(apply and destroy start the provider twice, for their plan and for the change; plan once)\n", lo, hi)
	}
	var peak int64 = -1
	for _, r := range ufdl[hi] {
		peak = max(peak, r.providerPeak)
	}
	fmt.Fprintf(o.out, "provider peak RSS at N=%d (largest of the four phases): %s\n", hi, fmtKiB(peak))
	return nil
}

// ratio is r's wall time over the baseline's, "-" without a baseline.
func ratio(r, base phaseResult) string {
	if base.wall <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", r.wall.Seconds()/base.wall.Seconds())
}

func fmtWall(base phaseResult) string {
	if base.wall <= 0 {
		return "-"
	}
	return fmtDur(base.wall)
}

func fmtCPU(base phaseResult) string {
	if base.wall <= 0 {
		return "-"
	}
	return fmtDur(base.cpu)
}

// measure runs the four phases for n images of the provider, or of terraform_data.
func measure(o options, bin string, n int, baseline bool) (map[string]phaseResult, error) {
	srv, err := startServer(o)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	ws, err := newWorkspace(o, srv, bin, "")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(ws.dir)

	res := map[string]phaseResult{}
	for _, s := range steps {
		if err := ws.write(config(n, "bench", s.suffix, baseline)); err != nil {
			return nil, err
		}
		srv.reset()
		r, err := ws.run(s.args...)
		if err != nil {
			return nil, fmt.Errorf("%d images: %w", n, err)
		}
		if s.phase == "plan" && r.exit != 0 {
			return nil, fmt.Errorf("%d images: the plan right after apply is not empty (exit %d):\n%s", n, r.exit, tail(r.out, 3000))
		}
		res[s.phase] = srv.result(r)
	}
	if !baseline {
		if left := len(srv.ref.Images()); left != 0 {
			return nil, fmt.Errorf("%d images: %d left on the server after destroy", n, left)
		}
	}
	return res, nil
}

// config renders n images named prefix-00000...; suffix changes every url so that an update
// touches each image once.
func config(n int, prefix, suffix string, baseline bool) string {
	var b strings.Builder
	if !baseline {
		b.WriteString("terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\nprovider \"ufdl\" {}\n")
	}
	for i := 0; i < n; i++ {
		attrs := fmt.Sprintf(`name = "%s-%05d"
    version = "v1"
    url = "registry.example.com:443/bench/img-%05d:v1%s"
    registry_url = "registry.example.com:443"
    registry_username = "public"
    registry_password = "public"
    cuda_version = "11.1"
    framework = 18
    domain = "od"
    tasks = ["Train", "Predict"]
    min_hardware_generation = "Pascal"
    cpu = false
    licence = "GPL3"`, prefix, i, i, suffix)
		if baseline {
			fmt.Fprintf(&b, "resource \"terraform_data\" \"img%d\" {\n  input = {\n    %s\n  }\n}\n", i, attrs)
		} else {
			fmt.Fprintf(&b, "resource \"ufdl_dockerimage\" \"img%d\" {\n  %s\n}\n", i, attrs)
		}
	}
	return b.String()
}

// benchServer is a reference server on a loopback port whose request log feeds the
// latency figures.
type benchServer struct {
	ref *refserver.Server
	url string
	log *latencyLog
	hs  *http.Server
}

const benchPassword = "bench-admin"

func startServer(o options) (*benchServer, error) {
	lat := &latencyLog{}
	ref, err := refserver.New(refserver.Options{
		AdminUser: "admin", AdminPassword: benchPassword, Latency: o.latency, Serial: o.serial,
		Log: lat, RecordLimit: 1, // the counters are enough; keep memory flat
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: ref, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &benchServer{ref: ref, url: "http://" + ln.Addr().String(), log: lat, hs: hs}, nil
}

func (s *benchServer) close() { _ = s.hs.Shutdown(context.Background()) }

// reset starts a new phase: counters and latencies from zero.
func (s *benchServer) reset() {
	s.ref.ResetCalls()
	s.log.reset()
}

// result combines a command's own figures with what the server saw during it.
func (s *benchServer) result(r runResult) phaseResult {
	counts := s.ref.CallCounts()
	p := phaseResult{wall: r.wall, counts: counts, latency: s.log.summary(), providerPeak: r.providerPeak, terraformPeak: r.terraformPeak,
		cpu: r.cpu, providerCPU: r.providerCPU}
	for k, c := range counts {
		p.total += c
		if isImageCall(k) {
			p.imageCalls += c
		}
	}
	return p
}

func isImageCall(route string) bool {
	switch route {
	case "POST /v1/docker/create", "GET /v1/docker/{pk}", "PUT /v1/docker/{pk}", "PATCH /v1/docker/{pk}", "DELETE /v1/docker/{pk}":
		return true
	}
	return false
}

// workspace is one terraform working directory whose provider comes from dev_overrides.
type workspace struct {
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
		"UFDL_HOST="+srv.url, "UFDL_USERNAME=admin", "UFDL_PASSWORD="+benchPassword)
	env = append(env, o.extraEnv...)
	return &workspace{dir: dir, env: env, terraform: o.terraform, bin: bin, parallelism: o.parallelism}, nil
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
	cmd := exec.Command(w.terraform, append(args, "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", w.parallelism))...)
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
	if err != nil {
		return r, fmt.Errorf("terraform %s in %s: %v\n%s", args[0], w.dir, err, tail(r.out, 3000))
	}
	return r, nil
}

func summarize(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	if len(parts) == 0 {
		return "no API calls"
	}
	return strings.Join(parts, " ")
}

// buildProvider builds the provider into a temporary directory and returns the binary's path.
func buildProvider() (string, error) {
	dir, err := os.MkdirTemp("", "ufdl-bench-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "terraform-provider-ufdl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("building the provider (run from the repository root): %v\n%s", err, out)
	}
	return bin, nil
}

func fmtKiB(kib int64) string {
	if kib < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < 0:
		return "n/a"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(10 * time.Millisecond).String()
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

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
