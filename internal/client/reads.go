// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/coalesce"
)

// Reads of images by pk and by (name, version), as a provider process makes them: Terraform
// runs up to ten operations at once (-parallelism), and against a server that handles one
// request at a time N calls cost N round trips. So the reads that arrive together share one
// list call selecting exactly them (internal/coalesce), unless Config.SingleReads asks for a
// call each.
//
// Why a batch lists exactly its own images, never the whole catalog: a list costs a round
// trip plus the serialisation of every image it returns (on the real backend ~35 ms and
// ~6.5 ms per image). Exact lists cost what the plan manages, however many images others keep
// on the server.
//
// Why the answers are never stale: a batch's list is sent after every read in it was asked
// for, so a read that follows a write (a read-back after DELETE) sees the write.

// maxBatchWindow is the longest a batch waits for more reads after its first. Terraform's
// wave of reads arrives within a few milliseconds on an idle machine and a few tens on a
// busy one; a list costs 35 ms and more on the real backend, so there waiting is the cheaper
// mistake. Against a fast server the window shrinks to the round trip measured (see window).
const maxBatchWindow = 25 * time.Millisecond

type nameVersion struct{ name, version string }

// maxBatchWait bounds how long a batch waits for the Client's other requests: longer than a
// wave of ten writes takes on the real backend (about a second for ten destroys).
const maxBatchWait = 2 * time.Second

// imageReads coalesces the image reads of one Client.
type imageReads struct {
	byPK   *coalesce.Group[int64, Image]
	byName *coalesce.Group[nameVersion, Image]
}

func newImageReads(c *Client) *imageReads {
	policy := coalesce.Policy{Window: c.lat.window, Busy: c.busy, MaxWait: maxBatchWait}
	return &imageReads{
		byPK:   coalesce.New(c.listByPK, policy),
		byName: coalesce.New(c.listByNameVersion, policy),
	}
}

// wake lets batches that waited only for the Client's requests go.
func (r *imageReads) wake() {
	r.byPK.Wake()
	r.byName.Wake()
}

// busy reports whether the Client has a request under way: a server that answers one
// request at a time would make a read wait for it anyway.
func (c *Client) busy() bool { return c.inflight.Load() > 0 }

// latency keeps the shortest round trip the Client has measured: what a list call costs
// at least, without the queueing of a busy server.
type latency struct{ shortest atomic.Int64 } // nanoseconds; 0 until the first answer

func (l *latency) observe(d time.Duration) {
	for {
		cur := l.shortest.Load()
		if cur != 0 && cur <= int64(d) {
			return
		}
		if l.shortest.CompareAndSwap(cur, max(int64(d), 1)) {
			return
		}
	}
}

// window is how long a batch waits for more reads: the shortest round trip measured, at
// most maxBatchWindow, which is also the guess before anything was measured. Waiting longer
// than a round trip costs more than the extra list it could save.
func (l *latency) window() time.Duration {
	if d := l.shortest.Load(); d != 0 {
		return min(time.Duration(d), maxBatchWindow)
	}
	return maxBatchWindow
}

// ReadImage returns image pk, or an error for which IsNotFound is true when it does not
// exist. Concurrent reads share list calls, unless Config.SingleReads.
func (c *Client) ReadImage(ctx context.Context, pk int64) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	if c.reads == nil {
		return c.GetImage(ctx, pk)
	}
	return notFoundIfMissing(pk)(c.reads.byPK.Get(ctx, pk))
}

// FindImage returns the image named name with version version, or nil, nil when there is
// none. Concurrent look-ups share list calls, unless Config.SingleReads.
func (c *Client) FindImage(ctx context.Context, name, version string) (*Image, error) {
	key := nameVersion{name, version}
	if c.reads == nil {
		found, err := c.listByNameVersion(ctx, []nameVersion{key})
		if err != nil {
			return nil, err
		}
		if img, ok := found[key]; ok {
			return &img, nil
		}
		return nil, nil
	}
	img, ok, err := c.reads.byName.Get(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	return &img, nil
}

// holdRead announces a read of an image that will follow a write (a destroy's read-back),
// so that the read-backs of one wave share a list however far apart their writes end. The
// returned function reads; release must be called when done, read or not.
func (c *Client) holdRead() (read func(context.Context, int64) (*Image, error), release func()) {
	if c.reads == nil {
		return c.GetImage, func() {}
	}
	h := c.reads.byPK.Hold()
	return func(ctx context.Context, pk int64) (*Image, error) {
		return notFoundIfMissing(pk)(h.Get(ctx, pk))
	}, h.Release
}

// notFoundIfMissing turns a coalesced read's answer into ReadImage's: an image missing from
// the list that selected it does not exist.
func notFoundIfMissing(pk int64) func(Image, bool, error) (*Image, error) {
	return func(img Image, ok bool, err error) (*Image, error) {
		switch {
		case err != nil:
			return nil, err
		case !ok:
			return nil, &APIError{Method: http.MethodGet, Path: imagePath(pk), Status: http.StatusNotFound, Detail: "Not found."}
		}
		return &img, nil
	}
}

// listByPK lists exactly the images pks.
func (c *Client) listByPK(ctx context.Context, pks []int64) (map[int64]Image, error) {
	slices.Sort(pks)
	exprs := make([]Expression, len(pks))
	for i, pk := range pks {
		exprs[i] = Expression{Type: ExprExact, Field: "pk", Value: pk}
	}
	images, err := c.ListImages(ctx, &Filter{Expressions: []Expression{{Type: ExprOr, SubExpressions: exprs}}})
	if err != nil {
		return nil, err
	}
	found := make(map[int64]Image, len(images))
	for _, img := range images {
		if slices.Contains(pks, img.PK) { // a server that ignores the filter cannot hand back another image
			found[img.PK] = img
		}
	}
	return found, nil
}

// listByNameVersion lists exactly the images named by pairs. A pair held by two images (a
// server that breaks uniqueness) is an error for every caller: which one is meant cannot be
// told.
func (c *Client) listByNameVersion(ctx context.Context, pairs []nameVersion) (map[nameVersion]Image, error) {
	slices.SortFunc(pairs, func(a, b nameVersion) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.version, b.version))
	})
	exprs := make([]Expression, len(pairs))
	for i, p := range pairs {
		exprs[i] = Expression{Type: ExprAnd, SubExpressions: []Expression{
			{Type: ExprExact, Field: "name", Value: p.name},
			{Type: ExprExact, Field: "version", Value: p.version},
		}}
	}
	f := &Filter{Expressions: []Expression{{Type: ExprOr, SubExpressions: exprs}}}
	if len(pairs) == 1 {
		f.Expressions = exprs[0].SubExpressions // the filter's list is an "and" already
	}
	images, err := c.ListImages(ctx, f)
	if err != nil {
		return nil, err
	}
	found := make(map[nameVersion]Image, len(images))
	for _, img := range images {
		key := nameVersion{img.Name, img.Version}
		if !slices.Contains(pairs, key) {
			continue // a server that ignores the filter cannot hand back another image
		}
		if other, ok := found[key]; ok {
			return nil, fmt.Errorf("the server holds 2 docker images named %s:%s (pks %d and %d), although name and version must be unique",
				img.Name, img.Version, other.PK, img.PK)
		}
		found[key] = img
	}
	return found, nil
}
