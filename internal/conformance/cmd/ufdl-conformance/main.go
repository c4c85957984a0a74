// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Command ufdl-conformance runs the differential conformance corpus
// (internal/conformance/corpus) against a real UFDL backend or the in-process
// reference server.
//
//	ufdl-conformance record     send the corpus to the real backend at UFDL_HOST, write its answers into the corpus
//	ufdl-conformance check      send the corpus to the real backend at UFDL_HOST, fail on any answer that changed,
//	                            and compare its seed rows with the reference server's seed
//	ufdl-conformance refserver  run the corpus against both reference-server profiles, fail on any unlisted difference
//
// Credentials come from UFDL_ADMIN_USER / UFDL_ADMIN_PASSWORD (an is_staff
// user) and UFDL_USER / UFDL_USER_PASSWORD (an ordinary one); the defaults are
// those of the local real backend's setup (admin/admin, user/user). Each run
// logs in once per user, tags what it creates with a fresh tag and deletes it
// at the end, so it can run again and again against the same backend.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/conformance"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ufdl-conformance:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

var errProblems = errors.New("the answers do not match the recordings")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "record" && args[0] != "check" && args[0] != "refserver") {
		fmt.Fprintln(stderr, "usage: ufdl-conformance record|check|refserver [flags]  (-h for the flags)")
		return flag.ErrHelp
	}
	cmd := args[0]
	fs := flag.NewFlagSet("ufdl-conformance "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	host := fs.String("host", env("UFDL_HOST", ""), "real backend URL, e.g. http://127.0.0.1:8765 (env UFDL_HOST)")
	adminUser := fs.String("admin-user", env("UFDL_ADMIN_USER", "admin"), "is_staff user (env UFDL_ADMIN_USER)")
	adminPassword := fs.String("admin-password", env("UFDL_ADMIN_PASSWORD", "admin"), "its password (env UFDL_ADMIN_PASSWORD)")
	user := fs.String("user", env("UFDL_USER", "user"), "ordinary user (env UFDL_USER)")
	password := fs.String("password", env("UFDL_USER_PASSWORD", "user"), "its password (env UFDL_USER_PASSWORD)")
	dir := fs.String("corpus", "internal/conformance/corpus", "corpus directory (record writes the answers there)")
	seedDir := fs.String("seed", "internal/refserver/seed", "the reference server's seed (check compares the backend's seed rows with it)")
	only := fs.String("run", "", "only cases whose id matches this regular expression (record: runs every case, since cases use what earlier ones created, and rewrites only these)")
	waitExpired := fs.Bool("wait-expired", false, "run the expired-token cases: wait until the first access token expired (up to its lifetime, 5 minutes)")
	verbose := fs.Bool("v", false, "print every case's answer")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	corpus, err := conformance.LoadDir(*dir)
	if err != nil {
		return err
	}
	cases := corpus.Cases()
	selected := func(*conformance.Case) bool { return true }
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return err
		}
		selected = func(c *conformance.Case) bool { return re.MatchString(c.ID) }
		if cmd != "record" {
			var sel []*conformance.Case
			for _, c := range cases {
				if selected(c) {
					sel = append(sel, c)
				}
			}
			cases = sel
		}
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }

	if cmd == "refserver" {
		failed := false
		for _, p := range conformance.Profiles {
			results, err := conformance.RunRefserver(ctx, p.Profile, cases)
			if err != nil {
				return err
			}
			rep := conformance.Check(string(p.Profile), p.Mode, results)
			fmt.Fprint(stdout, rep.Describe())
			fmt.Fprintln(stdout, rep.Summary())
			failed = failed || len(rep.Problems) > 0
		}
		if failed {
			return errProblems
		}
		return nil
	}

	if *host == "" {
		return errors.New("no real backend: set UFDL_HOST (or -host) to its URL")
	}
	start := time.Now()
	results, err := conformance.Run(ctx, conformance.Target{
		URL: *host, AdminUser: *adminUser, AdminPassword: *adminPassword, User: *user, Password: *password,
		WaitExpired: *waitExpired, Log: logf,
	}, cases)
	if err != nil {
		return err
	}
	if *verbose {
		for _, r := range results {
			fmt.Fprintf(stdout, "%s: %s\n", r.Case.ID, r.Got)
		}
	}
	if cmd == "record" {
		changed, failed := 0, 0
		for _, r := range results {
			switch {
			case !selected(r.Case):
			case r.Skipped != "":
			case r.Err != nil:
				failed++
				logf("%s:%d: case %s not run: %v", r.Case.File, r.Case.Line, r.Case.ID, r.Err)
			case !r.Got.Equal(r.Case.Real):
				changed++
				logf("%s: %s -> %s", r.Case.ID, r.Case.Real, r.Got)
				fileOf(corpus, r.Case).SetReal(r.Case, r.Got)
			}
		}
		if err := corpus.Write(*dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "conformance record: %d cases against %s in %s, %d answers changed, %d not run\n",
			len(results), *host, time.Since(start).Round(100*time.Millisecond), changed, failed)
		if failed > 0 {
			return errProblems
		}
		return nil
	}
	rep := conformance.Check("real backend", conformance.AsReal, results)
	fmt.Fprint(stdout, rep.Describe())
	for _, n := range rep.SkipNotes {
		fmt.Fprintln(stdout, "skipped:", n)
	}
	seedDiffs, err := checkSeed(ctx, conformance.Target{URL: *host, AdminUser: *adminUser, AdminPassword: *adminPassword}, *seedDir)
	if err != nil {
		return err
	}
	for _, d := range seedDiffs {
		fmt.Fprintln(stdout, "seed:", d)
	}
	fmt.Fprintf(stdout, "%s (%s, %s)\n", rep.Summary(), *host, time.Since(start).Round(100*time.Millisecond))
	fmt.Fprintf(stdout, "conformance seed: %d tables and the catalog images, %d differences\n", len(conformance.SeedTables), len(seedDiffs))
	if len(rep.Problems) > 0 || len(seedDiffs) > 0 {
		return errProblems
	}
	return nil
}

// checkSeed compares the backend's seed rows with the reference server's
// seed files (tasks and subdescriptors as sets: the backend keeps no order).
func checkSeed(ctx context.Context, t conformance.Target, dir string) ([]string, error) {
	var diffs []string
	for _, name := range conformance.SeedTables {
		seed, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			return nil, err
		}
		served, err := conformance.FetchSeed(ctx, t, name)
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, conformance.SeedDiff(name, seed, served, true)...)
	}
	return diffs, nil
}

func fileOf(c *conformance.Corpus, cs *conformance.Case) *conformance.File {
	for _, f := range c.Files {
		if f.Name == cs.File {
			return f
		}
	}
	return nil
}
