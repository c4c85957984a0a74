// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// printSize prints one size's figures: the working tree's wall time, CPU and memory next to
// terraform_data's, its API calls and server latency, the calls and the server's busy time by route
// (the revision's too, with -compare) and, with -compare, the side-by-side table.
func printSize(o options, b builds, n int, r sizeResults) error {
	if err := printWall(o, n, r.tree, r.base); err != nil {
		return err
	}
	if err := printCalls(o, n, r.tree); err != nil {
		return err
	}
	type labelled struct {
		label string
		res   map[string]phaseResult
	}
	all := []labelled{{b.tree.label, r.tree}}
	if b.rev != nil {
		all = append(all, labelled{b.rev.label, r.rev})
	}
	fmt.Fprintf(o.out, "calls by route (N = %d):\n", n)
	for _, s := range steps {
		for i, a := range all {
			fmt.Fprintf(o.out, "  %-8s %-13s %s\n", phaseLabel(s.phase, i), a.label, ifRan(a.res, s.phase, func(r phaseResult) string { return summarize(r.counts) }))
		}
	}
	fmt.Fprintf(o.out, "server busy time by route (N = %d), the largest first: requests, busy time (see busyByRoute), median latency\n", n)
	for _, s := range steps {
		for i, a := range all {
			fmt.Fprintf(o.out, "  %-8s %-13s %s\n", phaseLabel(s.phase, i), a.label, ifRan(a.res, s.phase, func(r phaseResult) string { return routeTimes(r.routes, 4) }))
		}
	}
	if b.rev == nil {
		return nil
	}
	return printComparison(o, b.rev.label, b.tree.label, []int{n}, map[int]sizeResults{n: r})
}

// ifRan is show of the phase's result, or "failed" when there is none.
func ifRan(res map[string]phaseResult, phase string, show func(phaseResult) string) string {
	r, ok := res[phase]
	if !ok {
		return "failed"
	}
	return show(r)
}

// phaseLabel names the phase on the first of its lines only.
func phaseLabel(phase string, line int) string {
	if line > 0 {
		return ""
	}
	return phase
}

func printWall(o options, n int, tree, base map[string]phaseResult) error {
	fmt.Fprintf(o.out, "\nN = %d images: wall time (ratio = ufdl_dockerimage / terraform_data), CPU, peak memory\n", n)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tufdl_dockerimage\tterraform_data\tratio\tCPU tf+provider\tprovider CPU\tterraform_data CPU\tprovider peak RSS\tterraform peak RSS\t\n")
	for _, s := range steps {
		r, b := tree[s.phase], base[s.phase]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.phase, fmtDur(r.wall), fmtWall(b), ratio(r, b),
			fmtDur(r.cpu), fmtDur(r.providerCPU), fmtCPU(b), fmtKiB(r.providerPeak), fmtKiB(r.terraformPeak))
	}
	return tw.Flush()
}

func printCalls(o options, n int, tree map[string]phaseResult) error {
	fmt.Fprintf(o.out, "\nN = %d images: API calls and server latency\n", n)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tAPI calls\tper image\timage calls/image\tdesign/image\tother calls\tserver p50\tserver p95\tserver max\tserver busy\t\n")
	for _, s := range steps {
		r := tree[s.phase]
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\t%d\t%s\t%s\t%s\t%s\t\n", s.phase, r.total, perImage(r, n), float64(r.imageCalls)/float64(n),
			designPerImage[s.phase], r.total-r.imageCalls, fmtDur(r.latency.p50), fmtDur(r.latency.p95), fmtDur(r.latency.max), fmtDur(r.latency.busy))
	}
	return tw.Flush()
}

// routeTimes lists the k routes that kept the server busy longest.
func routeTimes(routes []routeSummary, k int) string {
	rs := slices.Clone(routes)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].busy > rs[j].busy })
	parts := make([]string, 0, k)
	for _, r := range rs[:min(k, len(rs))] {
		parts = append(parts, fmt.Sprintf("%s %d× %s (%s)", r.route, r.n, fmtDur(r.busy), fmtDur(r.p50)))
	}
	if len(parts) == 0 {
		return "no requests"
	}
	return strings.Join(parts, ", ")
}

// printSummary puts the sizes side by side: the wall-time ratios to terraform_data, and the
// API calls of each phase split into a cost per image and a constant per provider process,
// from the line through the smallest and the largest size; with -compare and more than one
// size, the side-by-side table of every size follows.
func printSummary(o options, b builds, res map[int]sizeResults) error {
	sizes := slices.Clone(o.sizes)
	sort.Ints(sizes)
	sizes = slices.Compact(sizes)
	lo, hi := sizes[0], sizes[len(sizes)-1]
	fmt.Fprintf(o.out, "\nSummary (%s)\n", b.tree.label)
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
			fmt.Fprintf(tw, "%s\t", ratio(res[n].tree[s.phase], res[n].base[s.phase]))
		}
		for _, n := range sizes {
			fmt.Fprintf(tw, "%d\t", res[n].tree[s.phase].total)
		}
		if hi > lo {
			cLo, cHi := float64(res[lo].tree[s.phase].total), float64(res[hi].tree[s.phase].total)
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
	for _, r := range res[hi].tree {
		peak = max(peak, r.providerPeak)
	}
	fmt.Fprintf(o.out, "provider peak RSS at N=%d (largest of the four phases): %s\n", hi, fmtKiB(peak))
	if b.rev == nil || len(sizes) == 1 {
		return nil
	}
	return printComparison(o, b.rev.label, b.tree.label, sizes, res)
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
