// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"flag"
	"testing"
)

var updateDocumented = flag.Bool("conformance.update-documented", false,
	"write the documented profile's answers into the corpus for the cases that list a doc reference")

// TestRefserverConformance runs the whole corpus against an in-process
// reference server in each profile and holds the answers to the real
// backend's recordings: the ufdl-backend profile must answer every case like
// the real backend, the documented profile too except where a case lists the
// doc line that says otherwise (and there it must still differ).
func TestRefserverConformance(t *testing.T) {
	corpus, err := LoadDir("corpus")
	if err != nil {
		t.Fatal(err)
	}
	cases := corpus.Cases()
	for _, p := range Profiles {
		t.Run(string(p.Profile), func(t *testing.T) {
			results, err := RunRefserver(context.Background(), p.Profile, cases)
			if err != nil {
				t.Fatal(err)
			}
			if *updateDocumented && p.Mode == AsDocumented {
				writeDocumented(t, corpus, results)
			}
			rep := Check(string(p.Profile), p.Mode, results)
			for _, pr := range rep.Problems {
				t.Error(pr.String())
			}
			t.Log(rep.Summary())
		})
	}
}

func writeDocumented(t *testing.T, corpus *Corpus, results []Result) {
	t.Helper()
	for _, r := range results {
		if r.Case.Doc == "" || r.Got == nil || r.Got.Equal(r.Case.Documented) {
			continue
		}
		for _, f := range corpus.Files {
			if f.Name == r.Case.File {
				f.SetDocumented(r.Case, r.Got)
			}
		}
	}
	if err := corpus.Write("corpus"); err != nil {
		t.Fatal(err)
	}
}

// TestCorpusEmbedded keeps the compiled-in corpus loadable (the command and
// other packages use it).
func TestCorpusEmbedded(t *testing.T) {
	c, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Cases()); n < 300 {
		t.Fatalf("the corpus has %d cases; it should cover several hundred calls", n)
	}
	for _, cs := range c.Cases() {
		if cs.Real == nil {
			t.Errorf("%s:%d: case %s has no recorded real answer", cs.File, cs.Line, cs.ID)
		}
	}
}
