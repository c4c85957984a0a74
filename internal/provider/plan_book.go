// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"fmt"
	"sync"
)

// planBook is what one provider process remembers between Terraform's calls, and the only
// place it does. Every other plan decision follows from the request alone (configuration,
// plan, state, private state) and the server.
//
// Terraform plans every resource of a configuration that one provider block serves in one
// provider process, and it plans a resource only after the resources it refers to: those
// are the two facts the book relies on, both Terraform's documented behaviour, not guesses
// about its scheduling. What the book holds:
//
//   - claims: the natural keys (image name and version, framework name and version, licence
//     name, ...) that plans of this process create or rename to. A value that another
//     resource of the plan creates is valid although the server lacks it yet, when the
//     resource using it refers to the one creating it (Terraform then plans the creator
//     first); two resources claiming one key is a mistake caught at plan.
//   - refreshed: the rows this process read as some resource's state. Terraform plans the
//     replacement of a tainted object without its state, but always after reading that
//     state in the same process (unless -refresh=false): a create whose key is taken by a
//     row just refreshed is that row's replacement, not a clash.
type planBook struct {
	mu        sync.Mutex
	claims    map[claimKey]claim
	refreshed map[rowRef]bool
}

// claimKey is one natural key of one table: "images" and "yolo:v7", say.
type claimKey struct{ table, key string }

// claim is a plan's hold on a natural key.
type claim struct {
	// owner tells two plans of the same object from plans of two objects: "pk 12" for an
	// existing row (the create half of its replacement claims with the same owner), a fresh
	// token for a row that does not exist yet.
	owner string
	// row is the planned row (e.g. a client.Framework with an unknown pk as 0), for the plans
	// that use the value.
	row any
}

// rowRef is one row of one table.
type rowRef struct {
	table string
	pk    int64
}

func newPlanBook() *planBook {
	return &planBook{claims: map[claimKey]claim{}, refreshed: map[rowRef]bool{}}
}

// claim records that owner plans row under key. When another owner claimed the key first it
// returns that claim and false.
func (b *planBook) claim(table, key, owner string, row any) (claim, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := claimKey{table, key}
	if other, ok := b.claims[k]; ok && other.owner != owner {
		return other, false
	}
	b.claims[k] = claim{owner: owner, row: row}
	return claim{}, true
}

// planned returns the row some plan of this process claimed under key.
func (b *planBook) planned(table, key string) (any, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.claims[claimKey{table, key}]
	return c.row, ok
}

// plannedKeys lists the keys claimed in table, for messages that list the valid choices.
func (b *planBook) plannedKeys(table string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for k := range b.claims {
		if k.table == table {
			out = append(out, k.key)
		}
	}
	return out
}

// sawRefreshed records that the process read row pk of table as a resource's state.
func (b *planBook) sawRefreshed(table string, pk int64) {
	b.mu.Lock()
	b.refreshed[rowRef{table, pk}] = true
	b.mu.Unlock()
}

// wasRefreshed reports whether the process read row pk of table as a resource's state.
func (b *planBook) wasRefreshed(table string, pk int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.refreshed[rowRef{table, pk}]
}

// ownerOf is the claim owner of an existing row.
func ownerOf(pk int64) string { return fmt.Sprintf("pk %d", pk) }
