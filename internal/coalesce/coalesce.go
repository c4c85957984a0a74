// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package coalesce merges the look-ups that concurrent callers make, key by key, into shared
// batch fetches: one request to a slow server answers many callers. It knows nothing of HTTP
// or of UFDL.
//
// A batch opens with its first key and gathers the keys asked for after it. It leaves (its
// fetch starts) when one of these holds:
//   - it has as many callers as the largest batch so far: callers tend to come in waves of
//     the same size, and a full wave need not wait any longer;
//   - no key has joined it for a window, the caller's other requests are done (Policy.Busy:
//     while they run the server is busy anyway, so waiting costs nothing and lets the
//     callers that come meanwhile join; the caller calls Wake when they are), and every
//     caller announced with Hold has asked or let go;
//   - MaxWait has passed since it opened.
//
// Every answer is as fresh as the call that asked for it: a key asked for while a fetch is
// under way joins the next batch, whose fetch starts after it was asked. A batch that all
// its callers have left is not sent; a fetch that all its callers have left is cancelled.
package coalesce

import (
	"context"
	"sync"
	"time"
)

// Fetch looks up keys and returns what it found; a key missing from the map was not found.
type Fetch[K comparable, V any] func(ctx context.Context, keys []K) (map[K]V, error)

// Policy says how long a batch gathers keys.
type Policy struct {
	// Window is how long a batch waits for more keys after its first, read when the batch
	// opens, so that it can follow what the caller measures.
	Window func() time.Duration
	// Busy reports whether the caller has other requests under way; nil: never.
	Busy func() bool
	// MaxWait bounds how long a batch waits in all.
	MaxWait time.Duration
}

// Group coalesces the look-ups of one kind. Its zero value is not usable: call New.
type Group[K comparable, V any] struct {
	fetch  Fetch[K, V]
	policy Policy

	mu      sync.Mutex
	open    *batch[K, V] // the batch gathering keys, nil when none
	largest int          // callers of the largest batch sent so far
	holds   int          // callers announced by Hold that have neither asked nor let go
}

// batch is one fetch's worth of keys and the callers waiting for it.
type batch[K comparable, V any] struct {
	keys    map[K]struct{}
	callers int  // callers that asked
	left    int  // callers that stopped waiting
	due     bool // its window has passed: it waits only for the caller's requests or holds
	opened  time.Time
	timer   *time.Timer

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed once found and err are set
	found  map[K]V
	err    error
}

// New returns a Group that fetches with fetch, gathering keys as policy says.
func New[K comparable, V any](fetch Fetch[K, V], policy Policy) *Group[K, V] {
	return &Group[K, V]{fetch: fetch, policy: policy}
}

// Get returns the value for key from the next fetch, and whether the fetch found it. It
// returns ctx's error when ctx ends first.
func (g *Group[K, V]) Get(ctx context.Context, key K) (V, bool, error) {
	g.mu.Lock()
	b := g.join(ctx, key)
	g.mu.Unlock()
	return g.wait(ctx, b, key)
}

// Hold announces a caller that will call Get on the returned Holder soon, after a write of
// its own (a destroy's read-back, say): until it does, or lets go with Release, batches wait
// for it, so that the callers of one wave share one fetch however far apart their writes
// end.
func (g *Group[K, V]) Hold() *Holder[K, V] {
	g.mu.Lock()
	g.holds++
	g.mu.Unlock()
	return &Holder[K, V]{g: g}
}

// Holder is a caller announced by Hold.
type Holder[K comparable, V any] struct {
	g    *Group[K, V]
	once sync.Once
}

// Get is Group.Get for the announced caller; the first call ends the hold.
func (h *Holder[K, V]) Get(ctx context.Context, key K) (V, bool, error) {
	g := h.g
	g.mu.Lock()
	h.once.Do(func() { g.holds-- })
	b := g.join(ctx, key)
	g.mu.Unlock()
	return g.wait(ctx, b, key)
}

// Release ends the hold without asking; it is safe after Get, and more than once.
func (h *Holder[K, V]) Release() {
	g := h.g
	g.mu.Lock()
	defer g.mu.Unlock()
	h.once.Do(func() {
		g.holds--
		g.sendIfFree()
	})
}

// Wake sends the open batch if it waits only for the caller's other requests, and they are
// done: the caller calls it when its last request ends, so that the batch leaves then, not
// at its next look a window later.
func (g *Group[K, V]) Wake() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sendIfFree()
}

// sendIfFree sends the open batch when its window has passed and nothing holds it up any
// longer. Called with g.mu held.
func (g *Group[K, V]) sendIfFree() {
	if b := g.open; b != nil && b.due && !g.heldUp() {
		g.send(b)
	}
}

// heldUp reports whether a batch must wait: for announced callers, or for the caller's
// other requests. Called with g.mu held.
func (g *Group[K, V]) heldUp() bool {
	return g.holds > 0 || (g.policy.Busy != nil && g.policy.Busy())
}

// join adds key to the open batch, opening one when none is, and sends the batch when it
// is as full as the largest so far and nothing is held up. Called with g.mu held.
func (g *Group[K, V]) join(ctx context.Context, key K) *batch[K, V] {
	b := g.open
	if b == nil {
		b = g.openBatch(ctx)
	}
	b.keys[key] = struct{}{}
	b.callers++
	if g.largest > 1 && b.callers >= g.largest && g.holds == 0 {
		g.send(b)
	} else if b.due {
		g.sendIfFree() // the last announced caller, say
	} else if b.callers > 1 {
		// A wave that trickles in stays together: the window counts from the last key.
		b.timer.Reset(g.window(b))
	}
	return b
}

// wait waits for b's answer for key, or for ctx to end.
func (g *Group[K, V]) wait(ctx context.Context, b *batch[K, V], key K) (V, bool, error) {
	var zero V
	select {
	case <-b.done:
		if b.err != nil {
			return zero, false, b.err
		}
		v, ok := b.found[key]
		return v, ok, nil
	case <-ctx.Done():
		g.leave(b)
		return zero, false, ctx.Err()
	}
}

// openBatch starts a batch and its window. The fetch runs with the values of the first
// caller's context (its logger) but not its cancellation: it serves every caller. Called
// with g.mu held.
func (g *Group[K, V]) openBatch(ctx context.Context) *batch[K, V] {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b := &batch[K, V]{keys: map[K]struct{}{}, opened: time.Now(), ctx: fctx, cancel: cancel, done: make(chan struct{})}
	g.open = b
	b.timer = time.AfterFunc(g.window(b), func() { g.windowPassed(b) })
	return b
}

// window is how long b waits for its next key: the policy's window, within MaxWait of its
// opening.
func (g *Group[K, V]) window(b *batch[K, V]) time.Duration {
	return max(min(g.policy.Window(), g.policy.MaxWait-time.Since(b.opened)), 0)
}

// windowPassed sends b, unless the caller's other requests are under way: then it looks
// again a window later, up to MaxWait.
func (g *Group[K, V]) windowPassed(b *batch[K, V]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != b {
		return // sent already, or abandoned
	}
	if g.heldUp() {
		if wait := g.window(b); wait > 0 {
			// Wake or the last announced caller sends it when free; a look a window later
			// covers a caller that does not call Wake.
			b.due = true
			b.timer = time.AfterFunc(max(wait, time.Millisecond), func() { g.windowPassed(b) })
			return
		}
	}
	g.send(b)
}

// send closes b to new keys and starts its fetch. Called with g.mu held.
func (g *Group[K, V]) send(b *batch[K, V]) {
	g.open = nil
	b.timer.Stop()
	g.largest = max(g.largest, b.callers)
	keys := make([]K, 0, len(b.keys))
	for k := range b.keys {
		keys = append(keys, k)
	}
	go func() {
		found, err := g.fetch(b.ctx, keys)
		b.cancel()
		b.found, b.err = found, err
		close(b.done)
	}()
}

// leave records that a caller of b stopped waiting: once none is left, b is not sent, or
// its fetch is cancelled.
func (g *Group[K, V]) leave(b *batch[K, V]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	b.left++
	if b.left < b.callers {
		return
	}
	if g.open == b {
		g.open = nil
		b.timer.Stop()
	}
	b.cancel()
}
