// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
)

// The adoption figures (-adopt): the first plan of examples/adopt-deployment over the
// project's copy of what a fresh deployment serves (internal/refserver/seed), against a
// server that holds it: the reference server with its sample images, or -host. Every row of
// the five tables and every image is imported by natural key, nothing changes, nothing is
// written (a plan), so it is safe against a real deployment. Reported: wall time and the API
// calls by route, which should be a handful of lists (one per table, a few of images), not
// one per row.

const (
	adoptExample = "examples/adopt-deployment/main.tf"
	adoptSeed    = "internal/refserver/seed"
)

// adoptPlanLine is the plan's summary when it only imports.
var adoptPlanLine = regexp.MustCompile(`Plan: (\d+) to import, 0 to add, 0 to change, 0 to destroy\.`)

func runAdoptBench(o options, b builds) error {
	example, err := os.ReadFile(adoptExample)
	if err != nil {
		return fmt.Errorf("reading the example (run from the repository root): %w", err)
	}
	seed, err := filepath.Abs(adoptSeed)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "\nadoption plan: %s over %s (every row and image imported by natural key, nothing written)\n", filepath.Dir(adoptExample), adoptSeed)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "provider\timported\twall\tAPI calls\tlist calls\tother calls\tserver p50\tserver max\tprovider peak RSS\t\n")
	var routeLines []string
	runs := []build{b.tree}
	if b.rev != nil {
		runs = []build{*b.rev, b.tree}
	}
	for _, bd := range runs {
		r, imported, err := adoptPlan(o, bd, string(example), seed)
		if err != nil {
			return err
		}
		lists := 0
		for route, n := range r.counts {
			if strings.HasSuffix(route, "/list") {
				lists += n
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t\n", bd.label, imported, fmtDur(r.wall), r.total, lists, r.total-lists,
			fmtDur(r.latency.p50), fmtDur(r.latency.max), fmtKiB(r.providerPeak))
		routeLines = append(routeLines, fmt.Sprintf("  %s: %s", bd.label, summarize(r.counts)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(o.out, "calls by route:")
	for _, l := range routeLines {
		fmt.Fprintln(o.out, l)
	}
	fmt.Fprintln(o.out, "design: one list per table (frameworks, cuda, hardware, licences, job-contracts, and domains for the images),\n"+
		"the images' data source list, and the image imports and reads batched into a few lists; no call per row")
	return nil
}

// adoptPlan runs the adoption plan with bd's provider against a server of its own (or the
// -host's) and returns its figures and the number of objects imported.
func adoptPlan(o options, bd build, example, seed string) (phaseResult, int, error) {
	o.samples = true
	srv, err := startServer(o)
	if err != nil {
		return phaseResult{}, 0, err
	}
	defer srv.close()
	ws, err := newWorkspace(o, srv, bd.bin, "adopt-")
	if err != nil {
		return phaseResult{}, 0, err
	}
	defer os.RemoveAll(ws.dir)
	ws.env = append(ws.env, "TF_VAR_seed_dir="+seed)
	if err := ws.write(example); err != nil {
		return phaseResult{}, 0, err
	}
	srv.reset()
	r, err := ws.run("plan", "-detailed-exitcode")
	if err != nil {
		return phaseResult{}, 0, fmt.Errorf("%s: %w", bd.label, err)
	}
	m := adoptPlanLine.FindStringSubmatch(r.out)
	if r.exit != 2 || m == nil {
		return phaseResult{}, 0, fmt.Errorf("%s: the adoption plan does not just import (exit %d):\n%s", bd.label, r.exit, tail(r.out))
	}
	imported, _ := strconv.Atoi(m[1])
	return srv.result(r), imported, nil
}
