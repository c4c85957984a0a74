// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// The tests every catalog resource passes (catalog_kinds_test.go describes the five). Those
// of one resource alone are in resource_<name>_test.go.

// TestAccCatalogResource_lifecycle creates a row with one POST, imports it by pk and by
// natural key, changes each attribute in place with a PATCH of that attribute alone, plans
// nothing for an unchanged configuration, and destroys it with a DELETE and a read-back.
func TestAccCatalogResource_lifecycle(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		row, changes := k.newRow(t, srv)
		addr := k.addr("test")
		pkSame := statecheck.CompareValue(compare.ValuesSame())
		var pk int64
		steps := []resource.TestStep{{
			PreConfig: srv.ResetCalls,
			Config:    k.config(srv, row),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("pk")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(rowState(addr, row), pkSame.AddStateValue(addr, tfjsonpath.New("pk"))),
			Check: resource.ComposeTestCheckFunc(
				rememberPKOf(addr, &pk),
				resource.TestCheckResourceAttrPair(addr, "id", addr, "pk"),
				k.expectWrites(srv, rowWrite{"POST create", row}),
				k.expectServerRow(srv, addr, row),
			),
		}}
		if k.pkIsImportID {
			steps = append(steps, resource.TestStep{ResourceName: addr, ImportState: true, ImportStateVerify: true})
		}
		steps = append(steps, resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateVerify: true,
			ImportStateId: k.importID(row),
		})
		current := row
		for _, a := range slices.Sorted(maps.Keys(changes)) {
			current = current.with(changes.only(a))
			steps = append(steps, resource.TestStep{
				PreConfig: srv.ResetCalls,
				Config:    k.config(srv, current),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChangedAttributes(addr, a)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(rowState(addr, current), pkSame.AddStateValue(addr, tfjsonpath.New("pk"))),
				Check: resource.ComposeTestCheckFunc(
					k.expectWrites(srv, rowWrite{"PATCH", changes.only(a)}),
					k.expectServerRow(srv, addr, current),
				),
			})
		}
		steps = append(steps, resource.TestStep{
			PreConfig:        srv.ResetCalls,
			Config:           k.config(srv, current),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            k.expectWrites(srv),
		})
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps:                    steps,
			CheckDestroy: func(*terraform.State) error {
				// From the DELETE on: the read-back that proves the row gone, and nothing else.
				calls := requestsOf(srv, k.path+"/")
				first := slices.Index(calls, "DELETE "+k.path+"/{pk}")
				if first < 0 || !slices.Equal(calls[first:], []string{"DELETE " + k.path + "/{pk}", "GET " + k.path + "/{pk}"}) {
					return fmt.Errorf("destroy made %v, want a DELETE and one read-back", calls)
				}
				return k.expectGone(srv, &pk)
			},
		})
	})
}

// TestAccCatalogResource_refreshListsTheTableOnce: the refresh of three rows of a table is
// one list call, not a read per row.
func TestAccCatalogResource_refreshListsTheTableOnce(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		cfg := srv.ProviderConfig()
		for _, label := range []string{"a", "b", "c"} {
			row, _ := k.newRow(t, srv)
			cfg += k.block(label, row)
		}
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					PreConfig:    srv.ResetCalls,
					RefreshState: true,
					Check: func(*terraform.State) error {
						if got := requestsOf(srv, k.path+"/"); !slices.Equal(got, []string{"POST " + k.path + "/list"}) {
							return fmt.Errorf("the refresh of three %ss made %v, want one list", k.noun, got)
						}
						return nil
					},
				},
			},
		})
	})
}

// TestAccCatalogResource_drift changes each attribute behind Terraform's back: the plan puts
// back exactly that attribute, with a PATCH of it alone. A row deleted outside Terraform
// leaves state at the next refresh, and the plan creates it again.
func TestAccCatalogResource_drift(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		row, outside := k.newRow(t, srv)
		addr := k.addr("test")
		cfg := k.config(srv, row)
		pkDiffers := statecheck.CompareValue(compare.ValuesDiffer())
		var pk int64
		steps := []resource.TestStep{{
			Config:            cfg,
			Check:             rememberPKOf(addr, &pk),
			ConfigStateChecks: []statecheck.StateCheck{pkDiffers.AddStateValue(addr, tfjsonpath.New("pk"))},
		}}
		for _, a := range slices.Sorted(maps.Keys(outside)) {
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if err := srv.PatchRow(k.path, pk, outside.only(a)); err != nil {
						t.Fatalf("changing %s of %s %d behind Terraform's back: %v", a, k.noun, pk, err)
					}
					srv.ResetCalls()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectDriftUndone(addr, outside.only(a))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: rowState(addr, row),
				Check: resource.ComposeTestCheckFunc(
					k.expectWrites(srv, rowWrite{"PATCH", row.only(a)}),
					k.expectServerRow(srv, addr, row),
				),
			})
		}
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				if err := srv.DeleteRow(k.path, pk); err != nil {
					t.Fatalf("deleting %s %d behind Terraform's back: %v", k.noun, pk, err)
				}
				srv.ResetCalls()
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(rowState(addr, row), pkDiffers.AddStateValue(addr, tfjsonpath.New("pk"))),
			Check: resource.ComposeTestCheckFunc(
				k.expectWrites(srv, rowWrite{"POST create", row}),
				k.expectServerRow(srv, addr, row),
			),
		})
		acctest.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	})
}

// clash is a row that differs from row in everything but the attributes of one of the
// server's unique constraints.
func clash(row, other fields, constraint []string) fields {
	out := maps.Clone(other)
	for _, a := range constraint {
		out[a] = row[a]
	}
	return out
}

// describe is how diagnostics name the values of attrs in f: `name "x" and version "v1"`.
func describe(f fields, attrs []string) string {
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = fmt.Sprintf("%s %q", a, fmt.Sprint(f[a]))
	}
	return strings.Join(parts, " and ")
}

// TestAccCatalogResource_keyTakenOnTheServer: a configuration that would give a row the value
// of a unique attribute (or the natural key) that another row of the server holds fails at
// plan, naming that row; nothing is written.
func TestAccCatalogResource_keyTakenOnTheServer(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		var steps []resource.TestStep
		for _, c := range k.constraints() {
			taken, other := k.newRow(t, srv)
			pk := srv.CreateRow(t, k.path, taken)
			want := []string{k.title + " Already Exists", fmt.Sprintf("The server already holds %s %d with %s, which must be unique.", k.noun, pk, describe(taken, c))}
			if slices.Equal(c, k.keyAttrs) {
				want = append(want, fmt.Sprintf("import block (id = %q)", k.importID(taken)))
			}
			steps = append(steps, resource.TestStep{
				PreConfig:   srv.ResetCalls,
				Config:      k.config(srv, clash(taken, other, c)),
				PlanOnly:    true,
				ExpectError: errorText(want...),
			})
		}
		k.testRefused(t, srv, steps...)
	})
}

// TestAccCatalogResource_twoBlocksOneKey: two blocks of one configuration that plan the same
// unique value fail at plan.
func TestAccCatalogResource_twoBlocksOneKey(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		var steps []resource.TestStep
		for _, c := range k.constraints() {
			row, other := k.newRow(t, srv)
			steps = append(steps, resource.TestStep{
				PreConfig: srv.ResetCalls,
				Config:    srv.ProviderConfig() + k.block("a", row) + k.block("b", clash(row, other, c)),
				PlanOnly:  true,
				ExpectError: errorText("Duplicate "+k.title,
					fmt.Sprintf("Another resource block of this configuration also plans a %s with %s, which must be unique on the server.", k.noun, describe(row, c))),
			})
		}
		k.testRefused(t, srv, steps...)
	})
}

// TestAccCatalogResource_destroyWhileUsedByAnImage: the server keeps a row that an image uses
// (the real backend answers its DELETE with 204, or 500 for a licence): the destroy fails
// naming the image, and state keeps the row. Once the image is gone, the destroy goes through.
func TestAccCatalogResource_destroyWhileUsedByAnImage(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		row, _ := k.newRow(t, srv)
		addr := k.addr("test")
		cfg := k.config(srv, row)
		name := acctest.Name("uses")
		srv.RemoveAtEnd(t, name)
		pkSame := statecheck.CompareValue(compare.ValuesSame())
		var pk, image int64
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:            cfg,
					Check:             rememberPKOf(addr, &pk),
					ConfigStateChecks: []statecheck.StateCheck{pkSame.AddStateValue(addr, tfjsonpath.New("pk"))},
				},
				{
					PreConfig: func() { image = srv.CreateImage(t, k.image(t, srv, name, row, pk)) },
					Config:    cfg,
					Destroy:   true,
					// The pks are not known yet: step 3 proves that state kept this row.
					ExpectError: regexp.MustCompile(`(?s)` + loose(k.title+" Still In Use") + `.*` + loose("The server kept "+k.noun) + `\s+\d+:\s+` +
						loose("docker images still use it: "+name+":v1 (pk") + `\s+\d+\)\.\s+Nothing\s+was\s+changed\.`),
				},
				{
					// State kept the row, and the server too, unchanged.
					PreConfig: func() {
						if err := srv.DeleteImage(image); err != nil {
							t.Fatalf("deleting image %d: %v", image, err)
						}
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: append(rowState(addr, row), pkSame.AddStateValue(addr, tfjsonpath.New("pk"))),
					Check:             k.expectServerRow(srv, addr, row),
				},
			},
			CheckDestroy: func(*terraform.State) error { return k.expectGone(srv, &pk) },
		})
	})
}

// TestAccCatalogResource_newImageFamily creates a row of every catalog table and an image
// that uses them all in one apply, the image referring to the rows' resources; one apply that
// removes them all from the configuration, and terraform destroy, destroy the image before
// the rows.
func TestAccCatalogResource_newImageFamily(t *testing.T) {
	srv := acctest.NewServer(t)
	tag := acctest.RandomSuffix()
	for _, k := range catalogKinds {
		k.removeAtEnd(t, srv, k.row(t, srv, tag))
	}
	name := "tfacc-family-" + tag
	srv.RemoveAtEnd(t, name)
	lo := acctest.ComputeRange()
	cuda := srv.UnusedCUDAVersion(t, false)
	family := srv.ProviderConfig() + acctest.Testdata(t, "main.tf")
	vars := fmt.Sprintf("\nlocals {\n  tag = %q\n  cuda = %q\n  compute = %g\n}\n", tag, cuda, lo)
	image := "ufdl_dockerimage.family"
	all := append([]string{image}, kindAddrs("family")...)
	var pks map[string]int64
	created := resource.TestStep{
		PreConfig: srv.ResetCalls,
		Config:    family + vars,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             expectActions(plancheck.ResourceActionCreate, all...),
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.CompareValuePairs(image, tfjsonpath.New("framework"), frameworkKind.addr("family"), tfjsonpath.New("pk"), compare.ValuesSame()),
			statecheck.ExpectKnownValue(image, tfjsonpath.New("cuda_version"), knownvalue.StringExact(cuda)),
			statecheck.ExpectKnownValue(image, tfjsonpath.New("cuda_full_version"), knownvalue.StringExact("tf-"+tag)),
			statecheck.ExpectKnownValue(image, tfjsonpath.New("min_hardware_generation"), knownvalue.StringExact("tfacc-hw-"+tag)),
			statecheck.ExpectKnownValue(image, tfjsonpath.New("licence"), knownvalue.StringExact("tfacc-lic-"+tag)),
			statecheck.ExpectKnownValue(image, tfjsonpath.New("tasks"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("tfacc-jc-" + tag)})),
		},
		Check: func(s *terraform.State) error {
			pks = map[string]int64{}
			for _, a := range all {
				pk, err := statePKOf(s, a)
				if err != nil {
					return err
				}
				pks[a] = pk
			}
			return imageCreatedAfterItsRows(requestsOf(srv, "/v1/"))
		},
	}
	allGone := func(*terraform.State) error {
		if n := srv.CountImagesNamed(t, name); n != 0 {
			return fmt.Errorf("the server still holds the image %s", name)
		}
		for _, k := range catalogKinds {
			pk := pks[k.addr("family")]
			if err := k.expectGone(srv, &pk); err != nil {
				return err
			}
		}
		return nil
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			created,
			{
				// Everything removed from the configuration: one apply destroys it all.
				Config: srv.ProviderConfig(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: expectActions(plancheck.ResourceActionDestroy, all...),
				},
				Check: allGone,
			},
			// And once more, for terraform destroy.
			created,
		},
		CheckDestroy: allGone,
	})
}

// imageCreatedAfterItsRows checks that of calls, the image's create came after a create of
// every catalog table.
func imageCreatedAfterItsRows(calls []string) error {
	image := slices.Index(calls, "POST /v1/docker/create")
	for _, k := range catalogKinds {
		if i := slices.Index(calls, "POST "+k.path+"/create"); i < 0 || i > image {
			return fmt.Errorf("calls %v: want the image created after a %s", calls, k.noun)
		}
	}
	return nil
}

// kindAddrs are the addresses of the blocks label of every catalog resource.
func kindAddrs(label string) []string {
	out := make([]string, len(catalogKinds))
	for i, k := range catalogKinds {
		out[i] = k.addr(label)
	}
	return out
}

// expectActions are plan checks that the plan does action to each of addrs.
func expectActions(action plancheck.ResourceActionType, addrs ...string) []plancheck.PlanCheck {
	out := make([]plancheck.PlanCheck, len(addrs))
	for i, a := range addrs {
		out[i] = plancheck.ExpectResourceAction(a, action)
	}
	return out
}

// TestAccCatalogResource_identity (Terraform 1.12 and later) adopts two rows made outside
// Terraform with import blocks by identity, one giving the pk alone and one the natural key
// alone; the identity is complete in state, imports again with an import block, and follows
// an in-place change of the natural key.
func TestAccCatalogResource_identity(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		rowA, _ := k.newRow(t, srv)
		rowB, changesB := k.newRow(t, srv)
		pkA := srv.CreateRow(t, k.path, rowA)
		pkB := srv.CreateRow(t, k.path, rowB)
		a, b := k.addr("a"), k.addr("b")
		keyB := make([]string, len(k.keyAttrs))
		for i, attr := range k.keyAttrs {
			keyB[i] = fmt.Sprintf("%s = %s", attr, hcl(rowB[attr]))
		}
		imports := fmt.Sprintf("import {\n  to = %s\n  identity = { pk = %d }\n}\nimport {\n  to = %s\n  identity = { %s }\n}\n",
			a, pkA, b, strings.Join(keyB, ", "))
		renamedB := rowB.with(changesB.only(k.keyAttrs[0]))
		acctest.TestFrom(t, tfversion.Version1_12_0,
			resource.TestStep{
				PreConfig: srv.ResetCalls,
				Config:    srv.ProviderConfig() + imports + k.block("a", rowA) + k.block("b", rowB),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             expectActions(plancheck.ResourceActionNoop, a, b),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(append(rowState(a, rowA), rowState(b, rowB)...),
					statecheck.ExpectIdentity(a, k.identity(pkA, rowA)),
					statecheck.ExpectIdentity(b, k.identity(pkB, rowB)),
				),
				Check: k.expectWrites(srv),
			},
			resource.TestStep{
				// The whole identity, as state holds it, in an import block of its own.
				Config:          srv.ProviderConfig() + k.block("a", rowA) + k.block("b", rowB),
				ResourceName:    a,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop)},
				},
			},
			resource.TestStep{
				Config: srv.ProviderConfig() + k.block("a", rowA) + k.block("b", renamedB),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectChangedAttributes(b, k.keyAttrs[0])},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(b, k.identity(pkB, renamedB))},
			},
		)
	})
}

// identity is the identity of row pk: pk and the natural key.
func (k catalogKind) identity(pk int64, row fields) map[string]knownvalue.Check {
	out := map[string]knownvalue.Check{"pk": knownvalue.Int64Exact(pk)}
	for _, a := range k.keyAttrs {
		out[a] = knownvalue.StringExact(fmt.Sprint(row[a]))
	}
	return out
}

// TestAccCatalogResource_invalidImports: import IDs that name no row, or nothing at all, are
// refused with what to write instead.
func TestAccCatalogResource_invalidImports(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		row, _ := k.newRow(t, srv)
		cfg := k.config(srv, row)
		step := func(id string, want *regexp.Regexp) resource.TestStep {
			return resource.TestStep{Config: cfg, ResourceName: k.addr("test"), ImportState: true, ImportStateId: id, ExpectError: want}
		}
		form := strconv.Quote(strings.Join(k.keyAttrs, ":"))
		steps := []resource.TestStep{
			step(k.importID(row), errorText(k.title+" Not Found", fmt.Sprintf("The server holds no %s with %s %q.", k.noun, strings.Join(k.keyAttrs, ":"), k.importID(row)))),
		}
		if k.pkIsImportID {
			missing := maxPK(t, srv, k) + 1000
			steps = append(steps,
				step(strconv.FormatInt(missing, 10), errorText(k.title+" Not Found", fmt.Sprintf("The server holds no %s with primary key %d. Check the number, or import by %s.", k.noun, missing, form))),
				step("0", errorText("Invalid Import ID", `The import ID "0" is not a primary key`)),
			)
		}
		if k.typ == cudaKind.typ {
			// The real backend answers a list filtered by a version that is no number with a 500.
			steps = append(steps, step("abc", errorText("Invalid Import ID", `The import ID "abc" is not a CUDA version: A valid number is required.`)))
		}
		if len(k.keyAttrs) > 1 {
			steps = append(steps, step("yolo:", errorText("Invalid Import ID", fmt.Sprintf(`The import ID "yolo:" is neither a primary key (e.g. "12") nor %s.`, form))))
		}
		acctest.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	})
}

// maxPK is the highest pk of k's table on srv.
func maxPK(t *testing.T, srv *acctest.Server, k catalogKind) int64 {
	t.Helper()
	rows, err := srv.Rows(k.path)
	if err != nil {
		t.Fatal(err)
	}
	var most int64
	for _, r := range rows {
		most = max(most, acctest.PK(r))
	}
	return most
}

// TestAccCatalogResource_textLimits: a text attribute over its limit, empty, or with white
// space around it fails at plan; one at its limit in characters (not bytes) is stored as
// written.
func TestAccCatalogResource_textLimits(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		row, _ := k.newRow(t, srv)
		full := maps.Clone(row)
		var steps []resource.TestStep
		for _, a := range slices.Sorted(maps.Keys(k.limits)) {
			limit := k.limits[a]
			prefix := row[a].(string)
			// At the limit, in two-byte characters after the row's own value (which keeps it unique).
			full[a] = prefix + strings.Repeat("é", limit-utf8.RuneCountInString(prefix))
			plan := func(v string, want *regexp.Regexp) resource.TestStep {
				return resource.TestStep{Config: k.config(srv, row.with(fields{a: v})), PlanOnly: true, ExpectError: want}
			}
			steps = append(steps,
				plan(full[a].(string)+"é", errorText(fmt.Sprintf("Attribute %s UTF-8 character count must be between 1 and %d, got: %d", a, limit, limit+1))),
				plan("", errorText(fmt.Sprintf("Attribute %s UTF-8 character count must be between 1 and %d, got: 0", a, limit))),
				plan(" "+prefix, errorText(fmt.Sprintf("%s = %q begins or ends with white space", a, " "+prefix))),
			)
		}
		addr := k.addr("test")
		steps = append(steps, resource.TestStep{
			Config: k.config(srv, full),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: rowState(addr, full),
			Check:             k.expectServerRow(srv, addr, full),
		})
		acctest.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	})
}

// TestAccCatalogResource_nonAdmin: an ordinary user's create is refused by the server; the
// error says an admin is needed.
func TestAccCatalogResource_nonAdmin(t *testing.T) {
	forEachKind(t, func(t *testing.T, k catalogKind) {
		srv := acctest.NewServer(t)
		srv.RequireUser(t)
		row, _ := k.newRow(t, srv)
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      srv.ProviderConfigAs(srv.User, srv.Password) + k.block("test", row),
				ExpectError: errorText("Permission Denied", fmt.Sprintf("Writing the catalog's %ss needs an admin (is_staff) user", k.noun)),
			}},
		})
		if rows, err := srv.RowsWhere(k.path, k.tagField, row[k.tagField].(string)); err != nil || len(rows) != 0 {
			t.Errorf("the server holds %v (%v), want nothing created", rows, err)
		}
	})
}
