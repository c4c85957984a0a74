// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
)

// runConcurrent runs o.concurrent terraform processes at once, each with its own working
// directory and state of o.concurrentN images, through apply, plan, update and destroy against
// one reference server. Every command must succeed; after each phase every state must hold
// exactly its own images and the server exactly the union of the states (no cross-talk).
func runConcurrent(o options, bin string) error {
	srv, err := startServer(o)
	if err != nil {
		return err
	}
	defer srv.close()
	framework, err := srv.api.frameworkPK("yolo", "v7")
	if err != nil {
		return err
	}
	k, n := o.concurrent, o.concurrentN
	wss := make([]*workspace, k)
	for i := range wss {
		ws, err := newWorkspace(o, srv, bin, fmt.Sprintf("c%02d-", i))
		if err != nil {
			return err
		}
		defer os.RemoveAll(ws.dir)
		wss[i] = ws
	}
	prefix := func(i int) string { return fmt.Sprintf("c%02d", i) }

	fmt.Fprintf(o.out, "\n%d concurrent terraform processes, each with its own state of %d images, against one server\n", k, n)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tsucceeded\tslowest\tfastest\tAPI calls\tper image\trequests timed\tserver p50\tserver p95\tserver p99\tserver max\tprovider peak RSS\tcross-talk\t\n")
	var routeLines []string
	for _, s := range steps {
		for i, ws := range wss {
			if err := ws.write(imageSet{n: n, prefix: prefix(i), framework: framework}.config(s.suffix, false)); err != nil {
				return err
			}
		}
		srv.reset()
		results := make([]runResult, k)
		errs := make([]error, k)
		var wg sync.WaitGroup
		for i, ws := range wss {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = ws.run(s.args...)
				if errs[i] == nil && s.phase == "plan" && results[i].exit != 0 {
					errs[i] = fmt.Errorf("the plan right after apply is not empty (exit %d):\n%s", results[i].exit, tail(results[i].out))
				}
			}()
		}
		wg.Wait()
		var failed []string
		for i, err := range errs {
			if err != nil {
				failed = append(failed, fmt.Sprintf("process %d: %v", i, err))
			}
		}
		crossTalk := "none"
		var crossErr error
		if len(failed) == 0 {
			if crossErr = checkNoCrossTalk(srv, wss, prefix, n, s.phase == "destroy", s.suffix); crossErr != nil {
				crossTalk = "FOUND"
			}
		} else {
			crossTalk = "not checked"
		}
		slowest, fastest := results[0].wall, results[0].wall
		var peak int64 = -1
		for _, r := range results {
			slowest, fastest = max(slowest, r.wall), min(fastest, r.wall)
			peak = max(peak, r.providerPeak)
		}
		p := srv.result(runResult{})
		lat := p.latency
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\t%s\t%d\t%.2f\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.phase, k-len(failed), k, fmtDur(slowest), fmtDur(fastest),
			p.total, float64(p.total)/float64(k*n), lat.n, fmtDur(lat.p50), fmtDur(lat.p95), fmtDur(lat.p99), fmtDur(lat.max), fmtKiB(peak), crossTalk)
		routes := srv.log.routeSummaries()
		for _, r := range routes[:min(4, len(routes))] {
			routeLines = append(routeLines, fmt.Sprintf("  %-8s %-28s n=%-6d p50=%-8s p95=%-8s max=%s", s.phase, r.route, r.n, fmtDur(r.p50), fmtDur(r.p95), fmtDur(r.max)))
		}
		switch {
		case len(failed) > 0:
			_ = tw.Flush()
			return fmt.Errorf("%s: %d of %d processes failed:\n%s", s.phase, len(failed), k, strings.Join(failed, "\n"))
		case crossErr != nil:
			_ = tw.Flush()
			return fmt.Errorf("cross-talk between the concurrent processes after %s: %w", s.phase, crossErr)
		}
	}
	lat := srv.log.summaryEver()
	fmt.Fprintf(tw, "all phases\t\t\t\t\t\t%d\t%s\t%s\t%s\t%s\t\t\t\n", lat.n, fmtDur(lat.p50), fmtDur(lat.p95), fmtDur(lat.p99), fmtDur(lat.max))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(o.out, "all %d processes succeeded in every phase; no cross-talk\nserver latency of the busiest routes:\n%s\n", k, strings.Join(routeLines, "\n"))
	return nil
}

// checkNoCrossTalk checks every state against its own configuration and the server against
// the union of the states.
func checkNoCrossTalk(srv *benchServer, wss []*workspace, prefix func(int) string, n int, destroyed bool, suffix string) error {
	owner := map[int64]int{}
	for i, ws := range wss {
		st, err := readState(filepath.Join(ws.dir, "terraform.tfstate"))
		if err != nil {
			return fmt.Errorf("process %d: %w", i, err)
		}
		want := n
		if destroyed {
			want = 0
		}
		if len(st) != want {
			return fmt.Errorf("process %d's state holds %d images, want %d", i, len(st), want)
		}
		for _, img := range st {
			if !strings.HasPrefix(img.Name, prefix(i)+"-") || !strings.HasSuffix(img.URL, suffix) {
				return fmt.Errorf("process %d's state holds image %d %s (%s), which is not its own", i, img.PK, img.Name, img.URL)
			}
			if j, dup := owner[img.PK]; dup {
				return fmt.Errorf("image %d is in the states of processes %d and %d", img.PK, j, i)
			}
			owner[img.PK] = i
		}
	}
	images := srv.ref.Images()
	if len(images) != len(owner) {
		return fmt.Errorf("the server holds %d images, the states %d together", len(images), len(owner))
	}
	for _, img := range images {
		pk, _ := img["pk"].(int64)
		i, ok := owner[pk]
		if !ok {
			return fmt.Errorf("the server holds image %d (%v), which no state holds", pk, img["name"])
		}
		if name, _ := img["name"].(string); !strings.HasPrefix(name, prefix(i)+"-") {
			return fmt.Errorf("image %d is %s on the server, but in process %d's state", pk, name, i)
		}
	}
	return nil
}

type stateImage struct {
	PK   int64
	Name string
	URL  string
}

// readState reads the ufdl_dockerimage instances of a local state file.
func readState(path string) ([]stateImage, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st struct {
		Resources []struct {
			Mode, Type string
			Instances  []struct {
				Attributes stateImage `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	var out []stateImage
	for _, r := range st.Resources {
		if r.Mode == "managed" && r.Type == "ufdl_dockerimage" {
			for _, in := range r.Instances {
				out = append(out, in.Attributes)
			}
		}
	}
	return out, nil
}
