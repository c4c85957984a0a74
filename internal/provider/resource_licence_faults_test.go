// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// The reference server's fault hooks fail one of a licence's list calls halfway through a
// create or an update. Whatever the fault (an error answer, a connection dropped before or
// after the server applied the call), the state must then say what the server holds, and the
// next apply must converge. These tests drive the CLI itself: they read the state as the
// failed apply left it (terraform show), before any refresh could mend it.

// licenceFault is a fault of the nth list call (from 1) of an apply; it hits every later
// list call too (the retries of the nth, so that it fails), until cleared.
func licenceFault(kind refserver.FaultKind, nth int) refserver.Fault {
	f := refserver.Fault{Method: http.MethodPatch, Route: "/v1/licences/{pk}/subdescriptors", Kind: kind, Skip: nth - 1}
	switch kind {
	case refserver.FaultStatus:
		f.Status = http.StatusInternalServerError
	case refserver.FaultBody:
		// The server applies the call, then answers as the real backend's errors do.
		f.Status, f.ContentType, f.Body = http.StatusInternalServerError, "text/html", "<h1>Server Error (500)</h1>"
	}
	return f
}

// licenceFaults are the faults each test injects, with the number of the list call they
// fail and whether the server applies that call all the same.
var licenceFaults = []struct {
	name    string
	fault   refserver.Fault
	applied int // the list calls the server applied: those before the fault, and the faulted one when it is processed
}{
	{"500 without applying the 2nd call", licenceFault(refserver.FaultStatus, 2), 1},
	{"500 after applying the 2nd call", licenceFault(refserver.FaultBody, 2), 2},
	{"connection dropped before the 3rd call", licenceFault(refserver.FaultDrop, 3), 2},
	{"answer lost after the 3rd call was applied", licenceFault(refserver.FaultCommitThenDrop, 3), 3},
}

// licenceRun applies configurations of one ufdl_licence with the CLI, against a reference
// server of its own.
type licenceRun struct {
	*acctest.CLI
	srv  *acctest.Server
	name string
	url  string
}

// requireFaultHooks skips t against an external deployment, which cannot be made to fail a
// chosen call.
func requireFaultHooks(t *testing.T) {
	t.Helper()
	if acctest.External() {
		t.Skip("fails chosen list calls with the reference server's fault hooks, which an external deployment lacks; " +
			"the same writes without faults run there in TestAccLicence_listsWithExactCalls")
	}
}

func newLicenceRun(t *testing.T) *licenceRun {
	t.Helper()
	srv := acctest.NewServer(t)
	// One retry: every fault hits the retry too, and the test waits for one back-off only.
	cli := acctest.NewCLI(t, acctest.NewWorkdir(t, ""), srv.Env("UFDL_MAX_RETRIES=1"))
	return &licenceRun{CLI: cli, srv: srv, name: "tfacc-lic-" + acctest.RandomSuffix(), url: "https://example.com/licence"}
}

// configure writes the licence with lists as the working directory's configuration.
func (r *licenceRun) configure(lists licenceLists) {
	r.T.Helper()
	if err := os.WriteFile(filepath.Join(r.Dir, "main.tf"), []byte(licenceConfig(queryProviderBlock, r.name, r.url, lists)), 0o600); err != nil {
		r.T.Fatal(err)
	}
}

// stateLicence is licenceAddr as the state holds it, without a refresh.
type stateLicence struct {
	pk      int64
	lists   licenceLists
	tainted bool
}

func (r *licenceRun) state() stateLicence {
	r.T.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Tainted bool           `json:"tainted"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.Must("show", "-json")), &show); err != nil {
		r.T.Fatal(err)
	}
	for _, res := range show.Values.RootModule.Resources {
		if res.Address == licenceAddr {
			pk, _ := res.Values["pk"].(float64)
			lists := licenceLists{}
			for _, k := range licenceKinds {
				lists[k] = asSortedStrings(res.Values[k])
			}
			return stateLicence{pk: int64(pk), lists: lists.sorted(), tainted: res.Tainted}
		}
	}
	r.T.Fatalf("the state holds no %s", licenceAddr)
	return stateLicence{}
}

// server is the licence pk as the server holds it.
func (r *licenceRun) server(pk int64) *client.Licence {
	r.T.Helper()
	var l client.Licence
	if err := r.srv.API(http.MethodGet, fmt.Sprintf("/v1/licences/%d", pk), nil, &l); err != nil {
		r.T.Fatal(err)
	}
	return &l
}

// expectStateIsServer checks that the state's lists are the server's, and that both are want.
func (r *licenceRun) expectStateIsServer(st stateLicence, want licenceLists) {
	r.T.Helper()
	held := serverLists(r.server(st.pk))
	if !reflect.DeepEqual(st.lists, held) {
		r.T.Errorf("after the failed apply the state holds\n  %v\nthe server\n  %v", st.lists, held)
	}
	if !reflect.DeepEqual(held, want.sorted()) {
		r.T.Errorf("after the failed apply the server holds\n  %v\nwant\n  %v", held, want.sorted())
	}
}

// converge clears the faults, applies, and expects an empty plan and the server's licence
// (the only one of its name) to hold want.
func (r *licenceRun) converge(want licenceLists) {
	r.T.Helper()
	r.srv.Ref.ClearFaults()
	r.Must("apply", "-auto-approve")
	r.ExpectEmptyPlan("after the apply that follows the failed one")
	l, err := findLicence(r.srv, r.name)
	switch {
	case err != nil:
		r.T.Fatal(err)
	case l == nil:
		r.T.Fatalf("the server holds no licence %q after the apply", r.name)
	case !reflect.DeepEqual(serverLists(l), want.sorted()):
		r.T.Errorf("after the apply the server holds\n  %v\nwant\n  %v", serverLists(l), want.sorted())
	case l.PK != r.state().pk:
		r.T.Errorf("the state holds licence %d, the server %d", r.state().pk, l.PK)
	}
	var all []client.Licence
	if err := r.srv.API(http.MethodPost, "/v1/licences/list", map[string]any{}, &all); err != nil {
		r.T.Fatal(err)
	}
	for _, other := range all {
		if strings.HasPrefix(other.Name, r.name) && other.PK != l.PK {
			r.T.Errorf("the server holds another licence %q (pk %d): a failed create left it behind", other.Name, other.PK)
		}
	}
}

// faultLists are four lists whose create makes the four list calls in this order.
var faultLists = licenceLists{
	"domains":     {"Software", "Models"},
	"permissions": {"Commercial use", "Modification"},
	"limitations": {"Liability"},
	"conditions":  {"License and copyright notice"},
}

// TestAccLicence_failedCreateKeepsWhatServerHolds fails a list call of a create: the licence
// exists, so the state holds it, tainted, with exactly the lists the server holds; the next
// apply replaces it and converges.
func TestAccLicence_failedCreateKeepsWhatServerHolds(t *testing.T) {
	requireFaultHooks(t)
	t.Parallel()
	for _, tc := range licenceFaults {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newLicenceRun(t)
			r.configure(faultLists)
			r.srv.Ref.AddFault(tc.fault)
			out := r.MustFail("apply", "-auto-approve")
			if !regexp.MustCompile(cliText("The licence was created (pk ") + `\d+` + cliText("), and the state holds it with the lists as the server last answered them")).MatchString(out) {
				t.Errorf("the failed apply does not say what the state holds:\n%s", out)
			}
			st := r.state()
			if !st.tainted {
				t.Errorf("the licence whose lists failed is not tainted")
			}
			held := licenceLists{}
			for _, k := range licenceKinds[:tc.applied] {
				held[k] = faultLists[k]
			}
			r.expectStateIsServer(st, held)

			out = r.Must("plan")
			// Terraform says "so must be replaced", OpenTofu "so it must be replaced".
			if !regexp.MustCompile(regexp.QuoteMeta(licenceAddr) + ` is tainted, so (it )?must be replaced`).MatchString(out) {
				t.Errorf("the plan after the failed create does not replace the tainted licence:\n%s", out)
			}
			r.converge(faultLists)
		})
	}
}

// TestAccLicence_failedUpdateKeepsWhatServerHolds fails a list call of an update that changes
// three lists in four calls (domains remove and add, permissions add, conditions remove):
// the state holds exactly what the server holds, and the next apply writes the rest.
func TestAccLicence_failedUpdateKeepsWhatServerHolds(t *testing.T) {
	requireFaultHooks(t)
	t.Parallel()
	target := faultLists.
		with("domains", "Software", "Data").
		with("permissions", "Commercial use", "Modification", "Private use").
		with("conditions")
	// The lists after each of the update's calls.
	steps := []licenceLists{
		faultLists.with("domains", "Software"),
		faultLists.with("domains", "Software", "Data"),
		faultLists.with("domains", "Software", "Data").with("permissions", target["permissions"]...),
		target,
	}
	for _, tc := range licenceFaults {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newLicenceRun(t)
			r.configure(faultLists)
			r.Must("apply", "-auto-approve")
			before := r.state().pk

			r.configure(target)
			r.srv.Ref.AddFault(tc.fault)
			out := r.MustFail("apply", "-auto-approve")
			if !regexp.MustCompile(cliText("The state holds the lists as the server last answered them: run terraform apply again to write the rest.")).MatchString(out) {
				t.Errorf("the failed apply does not say what the state holds:\n%s", out)
			}
			st := r.state()
			if st.tainted || st.pk != before {
				t.Errorf("after the failed update the state holds licence %d (tainted %v), want %d untainted", st.pk, st.tainted, before)
			}
			r.expectStateIsServer(st, steps[tc.applied-1])
			r.converge(target)
		})
	}
}
