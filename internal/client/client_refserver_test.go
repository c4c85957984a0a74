// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// These tests run the client against the reference server: the two sides were
// written from the API docs independently, so a misreading on either side shows.

func startRefserver(t *testing.T, opts refserver.Options) (*refserver.Server, string) {
	t.Helper()
	s, err := refserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs.URL
}

func refClient(t *testing.T, host, user, password string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Host: host, Username: user, Password: password, MaxRetries: client.DefaultMaxRetries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func adminClient(t *testing.T, s *refserver.Server, host string) *client.Client {
	admin, pw, _, _ := s.Credentials()
	return refClient(t, host, admin, pw)
}

// adminSession starts a reference server with opts and returns it with an admin client
// and the lookup tables that client loaded.
func adminSession(t *testing.T, opts refserver.Options) (*refserver.Server, *client.Client, *client.Lookups) {
	t.Helper()
	s, host := startRefserver(t, opts)
	c := adminClient(t, s, host)
	lk, err := c.Lookups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, c, lk
}

func strp(s string) *string { return &s }

func yolo(t *testing.T, lk *client.Lookups) client.ImageSpec {
	t.Helper()
	fw, ok := lk.FrameworkByNameVersion("yolo", "v7")
	if !ok {
		t.Fatalf("no framework yolo v7 in %v", lk.FrameworkChoices())
	}
	return client.ImageSpec{
		Name:                  "yolo",
		Version:               "v7_2022-10-08_cuda11.1",
		URL:                   "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1",
		RegistryURL:           "public.aml-repo.cms.waikato.ac.nz:443",
		RegistryUsername:      strp("public"),
		RegistryPassword:      strp("public-pw"),
		CUDAVersion:           "11.1",
		Framework:             fw.PK,
		Domain:                "od",
		Tasks:                 []string{"Train", "Predict"},
		MinHardwareGeneration: strp("Pascal"),
		Licence:               "GPL3",
	}
}

func TestRefserverLoginAndLookups(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{})
	c := adminClient(t, s, host)
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	lk, err := c.Lookups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lk.DomainCodes(), ", "); got != "ic, is, od, sc, sp" {
		t.Errorf("domain codes %q", got)
	}
	if d, ok := lk.DomainByCode("od"); !ok || d.Description != "Object Detection" {
		t.Errorf("od: %+v", d)
	}
	if v, ok := lk.CUDAByVersion("11.1"); !ok || v.FullVersion == "" || v.MinDriverVersion == "" {
		t.Errorf("cuda 11.1: %+v", v)
	}
	if h, ok := lk.HardwareByGeneration("Pascal"); !ok || h.MinComputeCapability != 6 || h.MaxComputeCapability != 7 {
		t.Errorf("Pascal: %+v", h)
	}
	if _, ok := lk.LicenceByName("GPL3"); !ok {
		t.Errorf("no GPL3 in %v", lk.LicenceNames())
	}
	for _, name := range []string{"Train", "Predict"} {
		if _, ok := lk.JobContractByName(name); !ok {
			t.Errorf("no job contract %s in %v", name, lk.JobContractNames())
		}
	}
	// Every seeded framework, looked up by pk and by name and version.
	for _, f := range lk.Frameworks {
		if g, ok := lk.FrameworkByPK(f.PK); !ok || g != f {
			t.Errorf("framework %+v not found by pk", f)
		}
		if g, ok := lk.FrameworkByNameVersion(f.Name, f.Version); !ok || g.PK != f.PK {
			t.Errorf("framework %+v not found by name and version", f)
		}
	}
	if _, ok := lk.FrameworkByNameVersion("yolo", "v7"); !ok || len(lk.Frameworks) == 0 {
		t.Errorf("no yolo v7 among %d frameworks", len(lk.Frameworks))
	}
	// Loaded once: a second call makes no request.
	before := s.Calls("POST /v1/domains/list")
	if _, err := c.Lookups(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Calls("POST /v1/domains/list") != before {
		t.Error("Lookups listed domains again")
	}
	// The list functions take filters.
	fws, err := c.ListFrameworks(ctx, &client.Filter{
		Expressions: []client.Expression{{Type: client.ExprExact, Field: "name", Value: "yolo"}},
		OrderBy:     []client.Ordering{{Field: "version", Ascending: false}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(fws) != 2 || fws[0].Version != "v7" || fws[1].Version != "v5" {
		t.Errorf("filtered frameworks %+v", fws)
	}
	lic, err := c.ListLicences(ctx, nil)
	if err != nil || len(lic) != len(lk.Licences) {
		t.Errorf("licences %d %v", len(lic), err)
	}
}

func TestRefserverBadCredentials(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{})
	admin, _, _, _ := s.Credentials()
	c := refClient(t, host, admin, "not-the-password")
	err := c.Login(context.Background())
	var le *client.LoginError
	if !errors.As(err, &le) || !client.IsUnauthorized(err) {
		t.Fatalf("got %T %v", err, err)
	}
	want := `login as "admin" was refused by the server: No active account found with the given credentials`
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestRefserverImageCRUD(t *testing.T) {
	s, c, lk := adminSession(t, refserver.Options{})
	ctx := context.Background()
	spec := yolo(t, lk)

	img, err := c.CreateImage(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if img.PK <= 0 || img.Domain != "Object Detection" || img.CUDAVersion.Version != "11.1" ||
		img.Framework.Name != "yolo" || img.MinHardwareGeneration == nil || img.MinHardwareGeneration.Generation != "Pascal" ||
		img.RegistryPassword == nil || *img.RegistryPassword != "public-pw" || img.Licence != "GPL3" {
		t.Errorf("created %+v", img)
	}
	tasks := append([]string{}, img.Tasks...)
	sort.Strings(tasks)
	if !reflect.DeepEqual(tasks, []string{"Predict", "Train"}) {
		t.Errorf("tasks %v", img.Tasks)
	}

	got, err := c.GetImage(ctx, img.PK)
	if err != nil || !reflect.DeepEqual(got, img) {
		t.Errorf("get %+v %v, want %+v", got, err, img)
	}

	// PATCH sends only the named field.
	s.ResetCalls()
	spec.CPU = true
	spec.MinHardwareGeneration = nil
	patched, err := c.PatchImage(ctx, img.PK, spec, []string{client.FieldCPU})
	if err != nil {
		t.Fatal(err)
	}
	if !patched.CPU || patched.MinHardwareGeneration == nil {
		t.Errorf("patched %+v", patched)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Method != "PATCH" || string(reqs[0].Body) != `{"cpu":true}` {
		t.Errorf("requests %+v", reqs)
	}
	// An explicit null clears the generation (allowed now that cpu is true).
	patched, err = c.PatchImage(ctx, img.PK, spec, []string{client.FieldMinHardwareGeneration})
	if err != nil {
		t.Fatal(err)
	}
	if patched.MinHardwareGeneration != nil {
		t.Errorf("generation not cleared: %+v", patched.MinHardwareGeneration)
	}

	// PUT replaces everything.
	spec = yolo(t, lk)
	spec.Version = "v7_put"
	spec.Tasks = []string{"Predict"}
	spec.RegistryUsername, spec.RegistryPassword = nil, nil
	put, err := c.ReplaceImage(ctx, img.PK, spec)
	if err != nil {
		t.Fatal(err)
	}
	if put.Version != "v7_put" || put.CPU || !reflect.DeepEqual(put.Tasks, []string{"Predict"}) || put.RegistryPassword != nil {
		t.Errorf("put %+v", put)
	}

	// List with a filter, and FindImage.
	list, err := c.ListImages(ctx, &client.Filter{Expressions: []client.Expression{
		{Type: client.ExprContains, Field: "version", SubString: "PUT", CaseInsensitive: true},
		{Type: client.ExprIsNull, Field: "registry_password"},
	}})
	if err != nil || len(list) != 1 || list[0].PK != img.PK {
		t.Errorf("list %+v %v", list, err)
	}
	found, err := c.FindImage(ctx, "yolo", "v7_put")
	if err != nil || found == nil || found.PK != img.PK {
		t.Errorf("find %+v %v", found, err)
	}
	if none, err := c.FindImage(ctx, "yolo", "v7_2022-10-08_cuda11.1"); err != nil || none != nil {
		t.Errorf("find old version: %+v %v", none, err)
	}

	if err := c.DeleteImage(ctx, img.PK); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetImage(ctx, img.PK); !client.IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
}

func TestRefserverValidationErrors(t *testing.T) {
	s, c, lk := adminSession(t, refserver.Options{})
	ctx := context.Background()
	spec := yolo(t, lk)
	spec.Licence = "XYZ"
	_, err := c.CreateImage(ctx, spec)
	want := "POST " + c.Host() + "/v1/docker/create: 400 Bad Request: licence: Object with name=XYZ does not exist."
	if err == nil || err.Error() != want || !client.IsBadRequest(err) {
		t.Errorf("error %v, want %q", err, want)
	}

	spec = yolo(t, lk)
	if _, err := c.CreateImage(ctx, spec); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateImage(ctx, spec)
	// The backend's duplicate is PostgreSQL's message, as a detail.
	want = "POST " + c.Host() + "/v1/docker/create: 400 Bad Request: duplicate key value violates unique constraint"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("duplicate: %v, want %q", err, want)
	}
	if n := s.Calls("POST /v1/docker/create"); n != 3 {
		t.Errorf("create calls %d, want 3 (no retries of 400s)", n)
	}
}

func TestRefserverNonAdminForbidden(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	_, _, user, pw := s.Credentials()
	c := refClient(t, host, user, pw)
	ctx := context.Background()
	list, err := c.ListImages(ctx, nil)
	if err != nil || len(list) != 23 {
		t.Fatalf("list %d %v", len(list), err)
	}
	lk, err := c.Lookups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := yolo(t, lk)
	spec.Version = "new"
	_, err = c.CreateImage(ctx, spec)
	if !client.IsForbidden(err) {
		t.Fatalf("got %v, want 403", err)
	}
	want := "POST " + host + "/v1/docker/create: 403 Forbidden: You do not have permission to perform this action."
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if err := c.DeleteImage(ctx, list[0].PK); !client.IsForbidden(err) {
		t.Errorf("delete: %v", err)
	}
	if n := s.Calls("POST /v1/auth/refresh") + s.Calls("POST /v1/auth/obtain"); n != 1 {
		t.Errorf("auth calls %d, want 1: a 403 must not trigger a renewal", n)
	}
}

func TestRefserverLostCreateAdopted(t *testing.T) {
	s, c, lk := adminSession(t, refserver.Options{})
	ctx := context.Background()
	s.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/create", Kind: refserver.FaultCommitThenDrop, Times: 1})
	img, err := c.CreateImage(ctx, yolo(t, lk))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Images()); n != 1 {
		t.Errorf("server holds %d images, want 1", n)
	}
	if fmt.Sprint(s.Images()[0]["pk"]) != fmt.Sprint(img.PK) {
		t.Errorf("adopted pk %d, server has %v", img.PK, s.Images()[0]["pk"])
	}
	if n := s.Calls("POST /v1/docker/create"); n != 1 {
		t.Errorf("create calls %d, want 1", n)
	}
}

func TestRefserverRetriesAndRelogin(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{Samples: true})
	c := adminClient(t, s, host)
	ctx := context.Background()
	s.AddFault(refserver.Fault{Method: "POST", Route: "/v1/docker/list", Kind: refserver.FaultStatus, Status: 503, Times: 3})
	list, err := c.ListImages(ctx, nil)
	if err != nil || len(list) != 23 {
		t.Fatalf("list %d %v", len(list), err)
	}
	if n := s.Calls("POST /v1/docker/list"); n != 4 {
		t.Errorf("list calls %d, want 4", n)
	}
	s.RotateSigningKey()
	if _, err := c.GetImage(ctx, list[0].PK); err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("POST /v1/auth/obtain"); n != 2 {
		t.Errorf("obtain calls %d, want 2 (initial + re-login after rotation)", n)
	}
	if n := s.Calls("POST /v1/auth/refresh"); n != 1 {
		t.Errorf("refresh calls %d, want 1", n)
	}
}

func TestRefserverBackendProfileHTMLError(t *testing.T) {
	_, c, lk := adminSession(t, refserver.Options{Profile: refserver.ProfileUFDLBackend})
	ctx := context.Background()
	a := yolo(t, lk)
	b := yolo(t, lk)
	b.Version = "other"
	if _, err := c.CreateImage(ctx, a); err != nil {
		t.Fatal(err)
	}
	imgB, err := c.CreateImage(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// Renaming b onto a's name:version answers 500 with an HTML page there.
	_, err = c.PatchImage(ctx, imgB.PK, a, []string{client.FieldVersion})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Fatalf("got %v, want a 500 APIError", err)
	}
	if strings.Contains(err.Error(), "<") || strings.Contains(err.Error(), "invalid character") || len(err.Error()) > 400 {
		t.Errorf("unreadable error: %q", err)
	}
	t.Logf("500 page reads: %s", err)
}

func TestRefserverDestroyImage(t *testing.T) {
	for _, profile := range []refserver.Profile{refserver.ProfileDocumented, refserver.ProfileUFDLBackend} {
		t.Run(string(profile), func(t *testing.T) {
			s, c, lk := adminSession(t, refserver.Options{Profile: profile})
			ctx := context.Background()
			spec := yolo(t, lk)
			img, err := c.CreateImage(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DestroyImage(ctx, img.PK, img.Tasks); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetImage(ctx, img.PK); !client.IsNotFound(err) {
				t.Errorf("image still there: %v", err)
			}

			// A referenced image is kept, with its tasks as they were.
			spec.Version = "referenced"
			img, err = c.CreateImage(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			s.AddReference(img.PK)
			err = c.DestroyImage(ctx, img.PK, img.Tasks)
			var ref *client.StillReferencedError
			if !errors.As(err, &ref) || ref.PK != img.PK {
				t.Fatalf("got %T %v, want *StillReferencedError", err, err)
			}
			kept, err := c.GetImage(ctx, img.PK)
			if err != nil {
				t.Fatal(err)
			}
			got := append([]string{}, kept.Tasks...)
			sort.Strings(got)
			if !reflect.DeepEqual(got, []string{"Predict", "Train"}) {
				t.Errorf("tasks after a refused destroy: %v", kept.Tasks)
			}
		})
	}
}
