// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestFindListedRowListsATableOnce: finding every row of a table by its natural key (what
// the imports of a whole deployment do) costs one list of the table; a key the list lacks
// is asked of the server, which finds a row created since, or none.
func TestFindListedRowListsATableOnce(t *testing.T) {
	s, host := startRefserver(t, refserver.Options{})
	c := adminClient(t, s, host)
	ctx := context.Background()
	want := map[string]int64{}
	all, err := c.Lookups(ctx, client.TableLicences)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all.Licences {
		want[l.Name] = l.PK
	}
	c = adminClient(t, s, host) // a process of its own: nothing listed yet
	s.ResetCalls()
	for name, pk := range want {
		row, err := client.FindListedRow[client.Licence](ctx, c, client.Fields{client.FieldName: name})
		if err != nil || row == nil || row.PK != pk {
			t.Fatalf("FindListedRow(%q) = %v, %v; want pk %d", name, row, err, pk)
		}
	}
	if n := s.Calls("POST /v1/licences/list"); n != 1 {
		t.Errorf("%d licences found with %d list calls, want 1", len(want), n)
	}

	// Made by another client after this one listed the table.
	other := adminClient(t, s, host)
	made, err := client.CreateRow[client.Licence](ctx, other, client.Fields{client.FieldName: "Listed-later", client.FieldLicenceURL: "https://example.com/l"})
	if err != nil {
		t.Fatal(err)
	}
	s.ResetCalls()
	row, err := client.FindListedRow[client.Licence](ctx, c, client.Fields{client.FieldName: "Listed-later"})
	if err != nil || row == nil || row.PK != made.PK {
		t.Errorf("a row created since the list: %v, %v; want pk %d", row, err, made.PK)
	}
	row, err = client.FindListedRow[client.Licence](ctx, c, client.Fields{client.FieldName: "No such licence"})
	if err != nil || row != nil {
		t.Errorf("a key no row has: %v, %v; want nil, nil", row, err)
	}
	if n := s.Calls("POST /v1/licences/list"); n != 2 {
		t.Errorf("two keys the list lacks cost %d list calls, want one each (2)", n)
	}
}
