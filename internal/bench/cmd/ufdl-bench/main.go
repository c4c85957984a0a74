// Command ufdl-bench measures the provider end to end: it starts a reference server in-process,
// builds the provider, and times terraform apply / plan / update / destroy of N images,
// counting the API calls of each phase; then it times the same phases with Terraform's
// built-in terraform_data resource holding the same attributes, as the baseline.
//
//	go run ./internal/bench/cmd/ufdl-bench -n 100,1000 -parallelism 10
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
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
}

func run() error {
	var o options
	sizes := flag.String("n", "100", "comma-separated numbers of images")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.DurationVar(&o.latency, "latency", 0, "reference server latency per request (emulates a slow backend)")
	flag.BoolVar(&o.serial, "serial", false, "reference server handles one request at a time (as the real backend)")
	flag.StringVar(&o.terraform, "terraform", envOr("TF_ACC_TERRAFORM_PATH", "terraform"), "terraform (or tofu) binary")
	flag.BoolVar(&o.baseline, "baseline", true, "also time terraform_data with the same attributes")
	env := flag.String("provider-env", "", "extra KEY=VALUE,... for the provider (e.g. UFDL_BATCH_READS=false)")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-n: %q is not a positive number", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if *env != "" {
		o.extraEnv = strings.Split(*env, ",")
	}

	bin, err := buildProvider()
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)

	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "resource\tN\tphase\twall\tvs terraform_data\tAPI calls\tcalls/image\tdetail\t\n")
	for _, n := range o.sizes {
		ufdl, err := measure(o, bin, n, false)
		if err != nil {
			return err
		}
		var base map[string]phaseResult
		if o.baseline {
			if base, err = measure(o, bin, n, true); err != nil {
				return err
			}
		}
		for _, ph := range phases {
			r := ufdl[ph]
			ratio := "-"
			if b, ok := base[ph]; ok && b.wall > 0 {
				ratio = fmt.Sprintf("%.2fx (%s)", r.wall.Seconds()/b.wall.Seconds(), b.wall.Round(10*time.Millisecond))
			}
			fmt.Fprintf(tw, "ufdl_dockerimage\t%d\t%s\t%s\t%s\t%d\t%.2f\t%s\t\n", n, ph, r.wall.Round(10*time.Millisecond),
				ratio, r.calls, float64(r.calls)/float64(n), r.detail)
		}
		tw.Flush()
	}
	return nil
}

var phases = []string{"apply", "plan", "update", "destroy"}

type phaseResult struct {
	wall   time.Duration
	calls  int
	detail string
}

// measure runs the four phases for n images of the provider, or of terraform_data.
func measure(o options, bin string, n int, baseline bool) (map[string]phaseResult, error) {
	srv, err := refserver.New(refserver.Options{AdminUser: "admin", AdminPassword: "bench-admin", Latency: o.latency, Serial: o.serial})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Shutdown(context.Background()) //nolint:errcheck // best effort at exit

	dir, err := os.MkdirTemp("", "ufdl-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cli := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cli, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/waikato-ufdl/ufdl\" = %q\n    \"registry.opentofu.org/waikato-ufdl/ufdl\" = %q\n  }\n  direct {}\n}\n", bin, bin)), 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"UFDL_HOST=http://"+ln.Addr().String(), "UFDL_USERNAME=admin", "UFDL_PASSWORD=bench-admin")
	env = append(env, o.extraEnv...)

	write := func(suffix string) error {
		return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(n, suffix, baseline)), 0o600)
	}
	tf := func(args ...string) (time.Duration, error) {
		cmd := exec.Command(o.terraform, append(args, "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", o.parallelism))...)
		cmd.Dir = dir
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		var ee *exec.ExitError
		if errors.As(err, &ee) && args[0] == "plan" && ee.ExitCode() == 2 {
			err = nil // -detailed-exitcode: changes present
		}
		if err != nil {
			return wall, fmt.Errorf("terraform %s (N=%d): %v\n%s", args[0], n, err, tail(out.String(), 3000))
		}
		return wall, nil
	}

	res := map[string]phaseResult{}
	steps := []struct {
		phase, suffix string
		args          []string
	}{
		{"apply", "", []string{"apply", "-auto-approve"}},
		{"plan", "", []string{"plan", "-detailed-exitcode"}},
		{"update", "-v2", []string{"apply", "-auto-approve"}},
		{"destroy", "-v2", []string{"destroy", "-auto-approve"}},
	}
	for _, s := range steps {
		if err := write(s.suffix); err != nil {
			return nil, err
		}
		srv.ResetCalls()
		var peak int64
		wall, err := tf(s.args...)
		if err != nil {
			return nil, err
		}
		if ru, ok := lastChildRusage(); ok {
			peak = ru
		}
		counts := srv.CallCounts()
		total := 0
		for _, c := range counts {
			total += c
		}
		res[s.phase] = phaseResult{wall: wall, calls: total, detail: summarize(counts, n) + peakText(peak)}
	}
	return res, nil
}

// config renders n images; suffix changes every url so that "update" touches each image once.
func config(n int, suffix string, baseline bool) string {
	var b strings.Builder
	if !baseline {
		b.WriteString("terraform {\n  required_providers {\n    ufdl = { source = \"waikato-ufdl/ufdl\" }\n  }\n}\nprovider \"ufdl\" {}\n")
	}
	for i := 0; i < n; i++ {
		attrs := fmt.Sprintf(`name = "bench-%05d"
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
    licence = "GPL3"`, i, i, suffix)
		if baseline {
			fmt.Fprintf(&b, "resource \"terraform_data\" \"img%d\" {\n  input = {\n    %s\n  }\n}\n", i, attrs)
		} else {
			fmt.Fprintf(&b, "resource \"ufdl_dockerimage\" \"img%d\" {\n  %s\n}\n", i, attrs)
		}
	}
	return b.String()
}

func summarize(counts map[string]int, n int) string {
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

// lastChildRusage reports the peak RSS (KiB) of the largest child process waited for so far.
func lastChildRusage() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0, false
	}
	return ru.Maxrss, true
}

func peakText(kib int64) string {
	if kib == 0 {
		return ""
	}
	return fmt.Sprintf(" [largest child so far: %d MiB RSS]", kib/1024)
}

func buildProvider() (string, error) {
	dir, err := os.MkdirTemp("", "ufdl-bench-bin-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-ufdl"), ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider (run from the repository root): %v\n%s", err, out)
	}
	return dir, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
