// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"fmt"
	"strings"
)

// Mode says what a run's answers are held against.
type Mode int

const (
	// AsReal: every answer must be the recorded real one (the real backend
	// itself, and the reference server's ufdl-backend profile).
	AsReal Mode = iota
	// AsDocumented: the recorded real answer, except where a case lists a doc
	// reference; there the answer must differ from the real one and be the
	// recorded documented one.
	AsDocumented
)

// Problem is one case whose answer is not what the recordings say.
type Problem struct {
	Case *Case
	Msg  string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: case %s (%s %s as %s): %s", p.Case.File, p.Case.Line, p.Case.ID, p.Case.Method, p.Case.Path, p.Case.As, p.Msg)
}

// Report is the outcome of checking one run.
type Report struct {
	Name      string // "ufdl-backend", "documented", "real backend"
	Cases     int
	Skipped   int
	Differ    int // cases whose answer differs from the real one (listed or not)
	Listed    int // of those, the ones a doc reference justifies
	Problems  []Problem
	SkipNotes []string
}

// Summary is the one line CI prints.
func (r *Report) Summary() string {
	s := fmt.Sprintf("conformance %s: %d cases, %d differ from the real backend", r.Name, r.Cases, r.Differ)
	if r.Listed > 0 || r.Differ > 0 {
		s += fmt.Sprintf(" (%d listed with a doc reference)", r.Listed)
	}
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	return s + fmt.Sprintf(", %d problems", len(r.Problems))
}

// Check holds a run's results against the recordings.
func Check(name string, mode Mode, results []Result) *Report {
	rep := &Report{Name: name, Cases: len(results)}
	for _, res := range results {
		c := res.Case
		add := func(format string, args ...any) {
			rep.Problems = append(rep.Problems, Problem{Case: c, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case res.Skipped != "":
			rep.Skipped++
			rep.SkipNotes = append(rep.SkipNotes, c.ID+": "+res.Skipped)
			continue
		case res.Err != nil:
			add("not run: %v", res.Err)
			continue
		case c.Real == nil:
			add("no recorded real answer (record the corpus against a real backend); got %s", res.Got)
			continue
		}
		same := res.Got.Equal(c.Real)
		if !same {
			rep.Differ++
		}
		switch {
		case mode == AsDocumented && c.Doc != "":
			rep.Listed++
			if same {
				rep.Listed--
				add("listed as a documented difference (%s) but answers like the real backend: %s; drop the doc line", c.Doc, res.Got)
				continue
			}
			if c.Documented == nil {
				add("no recorded documented answer (run the test with -conformance.update-documented); got %s", res.Got)
			} else if !res.Got.Equal(c.Documented) {
				add("documented profile answers %s, recorded %s (real %s)", res.Got, c.Documented, c.Real)
			}
		case !same:
			add("answers %s\n\treal backend %s", res.Got, c.Real)
		}
	}
	return rep
}

// Describe lists a report's problems, one per line.
func (r *Report) Describe() string {
	var b strings.Builder
	for _, p := range r.Problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}
