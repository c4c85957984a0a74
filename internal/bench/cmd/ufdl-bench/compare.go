// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// build is one provider binary under test.
type build struct {
	label string // "working tree", or the -compare revision's short hash
	tag   string // in the image names: "wt", or the short hash
	bin   string
}

// buildRevision builds the provider as it is at git revision rev (exported with git archive
// into a temporary directory, so the repository's worktrees are not touched) and returns it
// with a function that removes the sources and the binary.
func buildRevision(rev string) (build, func(), error) {
	short, err := exec.Command("git", "rev-parse", "--short", rev+"^{commit}").Output()
	if err != nil {
		return build{}, nil, fmt.Errorf("-compare %s: not a git revision of this repository (%v)", rev, err)
	}
	label := strings.TrimSpace(string(short))
	src, err := os.MkdirTemp("", "ufdl-bench-src-"+label+"-")
	if err != nil {
		return build{}, nil, err
	}
	if err := export(label, src); err != nil {
		os.RemoveAll(src)
		return build{}, nil, fmt.Errorf("exporting %s: %v", label, err)
	}
	bin, err := buildProvider(src)
	os.RemoveAll(src)
	if err != nil {
		return build{}, nil, fmt.Errorf("%s: %w", label, err)
	}
	return build{label: label, tag: label, bin: bin}, func() { os.RemoveAll(filepath.Dir(bin)) }, nil
}

// export writes the files of revision rev into dir: git archive | tar -x.
func export(rev, dir string) error {
	archive := exec.Command("git", "archive", "--format=tar", rev)
	untar := exec.Command("tar", "-x", "-C", dir)
	archive.Stderr, untar.Stderr = os.Stderr, os.Stderr
	var err error
	if untar.Stdin, err = archive.StdoutPipe(); err != nil {
		return err
	}
	if err := untar.Start(); err != nil {
		return err
	}
	return errors.Join(archive.Run(), untar.Wait())
}

// printComparison puts the -compare revision's figures next to the working tree's, a row per
// size and phase: wall time, API calls per image, the ratio of the wall times and, with
// -baseline, terraform_data's wall time.
func printComparison(o options, rev, tree string, sizes []int, res map[int]sizeResults) error {
	fmt.Fprintf(o.out, "\n%s next to the %s (%s): wall time and API calls per image; ratio = %s / %s\n", rev, tree, describe(o), tree, rev)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "N\tphase\t%s\tcalls/image\t%s\tcalls/image\tratio\tterraform_data\t\n", rev, tree)
	for _, n := range sizes {
		for _, s := range steps {
			old, t := res[n].rev, res[n].tree[s.phase]
			wall := ifRan(old, s.phase, func(r phaseResult) string { return fmtDur(r.wall) })
			calls := ifRan(old, s.phase, func(r phaseResult) string { return fmt.Sprintf("%.2f", perImage(r, n)) })
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t\n", n, s.phase, wall, calls, fmtDur(t.wall), perImage(t, n),
				ratio(t, old[s.phase]), fmtWall(res[n].base[s.phase]))
		}
	}
	return tw.Flush()
}

func perImage(r phaseResult, n int) float64 { return float64(r.total) / float64(n) }
