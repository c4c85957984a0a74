// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package coalesce

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is a Fetch that logs each call's keys and answers key*10 for every key but 13.
type recorder struct {
	mu    sync.Mutex
	calls [][]int
	delay time.Duration
	err   error
	ctxs  []context.Context
}

func (r *recorder) fetch(ctx context.Context, keys []int) (map[int]int, error) {
	r.mu.Lock()
	r.calls = append(r.calls, slices.Sorted(slices.Values(keys)))
	r.ctxs = append(r.ctxs, ctx)
	r.mu.Unlock()
	if r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	out := map[int]int{}
	for _, k := range keys {
		if k != 13 {
			out[k] = k * 10
		}
	}
	return out, nil
}

func (r *recorder) batches() [][]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func fixed(d time.Duration) func() time.Duration { return func() time.Duration { return d } }

// ask starts Get(key) in a goroutine and returns where its answer will arrive.
func ask(ctx context.Context, g *Group[int, int], key int) <-chan string {
	ch := make(chan string, 1)
	go func() {
		v, ok, err := g.Get(ctx, key)
		ch <- fmt.Sprintf("%d %t %v", v, ok, err)
	}()
	return ch
}

func TestKeysAskedWithinTheWindowShareOneFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(20 * time.Millisecond), MaxWait: time.Second})
		a := ask(t.Context(), g, 1)
		time.Sleep(5 * time.Millisecond)
		b := ask(t.Context(), g, 2)
		c := ask(t.Context(), g, 13)
		synctest.Wait()
		if got := r.batches(); len(got) != 0 {
			t.Fatalf("fetched %v before the window passed", got)
		}
		time.Sleep(15 * time.Millisecond)
		if got := [3]string{<-a, <-b, <-c}; got != [3]string{"10 true <nil>", "20 true <nil>", "0 false <nil>"} {
			t.Errorf("answers %q", got)
		}
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{1, 2, 13}}, slices.Equal) {
			t.Errorf("fetches %v, want one of [1 2 13]", got)
		}
	})
}

// A wave whose keys trickle in stays together: the window counts from the last key, up to
// MaxWait from the first.
func TestATricklingWaveStaysTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(20 * time.Millisecond), MaxWait: 100 * time.Millisecond})
		var answers []<-chan string
		for k := range 8 { // a key every 15 ms: each within the window of the last
			answers = append(answers, ask(t.Context(), g, k))
			time.Sleep(15 * time.Millisecond)
		}
		for _, a := range answers {
			<-a
		}
		// Keys 0..6 came within 100 ms of the first; key 7, at 105 ms, starts the next batch.
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{0, 1, 2, 3, 4, 5, 6}, {7}}, slices.Equal) {
			t.Errorf("fetches %v", got)
		}
	})
}

func TestAFullWaveLeavesWithoutWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(time.Hour), MaxWait: 2 * time.Hour})
		// The first wave has nothing to go by: it waits its window out.
		first := []<-chan string{ask(t.Context(), g, 1), ask(t.Context(), g, 2), ask(t.Context(), g, 3)}
		time.Sleep(time.Hour)
		for _, ch := range first {
			<-ch
		}
		start := time.Now()
		second := []<-chan string{ask(t.Context(), g, 4), ask(t.Context(), g, 5), ask(t.Context(), g, 6)}
		for _, ch := range second {
			<-ch
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("a wave as large as the largest so far waited %v", waited)
		}
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{1, 2, 3}, {4, 5, 6}}, slices.Equal) {
			t.Errorf("fetches %v", got)
		}
	})
}

func TestKeysAskedDuringAFetchGoToTheNextOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{delay: 50 * time.Millisecond}
		g := New(r.fetch, Policy{Window: fixed(10 * time.Millisecond), MaxWait: time.Second})
		a := ask(t.Context(), g, 1)
		time.Sleep(20 * time.Millisecond) // the first fetch is under way
		b := ask(t.Context(), g, 1)
		<-a
		<-b
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{1}, {1}}, slices.Equal) {
			t.Errorf("fetches %v: a key asked during a fetch must be fetched again, not answered from the older fetch", got)
		}
	})
}

func TestABatchAllOfWhoseCallersLeftIsNotSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(20 * time.Millisecond), MaxWait: time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		a := ask(ctx, g, 1)
		b := ask(ctx, g, 2)
		synctest.Wait()
		cancel()
		if got := [2]string{<-a, <-b}; got != [2]string{"0 false context canceled", "0 false context canceled"} {
			t.Errorf("answers %q", got)
		}
		time.Sleep(time.Second)
		if got := r.batches(); len(got) != 0 {
			t.Errorf("fetched %v for callers that had left", got)
		}
		// The group still works.
		if got := <-ask(t.Context(), g, 3); got != "30 true <nil>" {
			t.Errorf("after an abandoned batch: %q", got)
		}
	})
}

func TestAFetchAllOfWhoseCallersLeftIsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{delay: time.Hour}
		g := New(r.fetch, Policy{Window: fixed(time.Millisecond), MaxWait: time.Second})
		ctx1, cancel1 := context.WithCancel(t.Context())
		ctx2, cancel2 := context.WithCancel(t.Context())
		a := ask(ctx1, g, 1)
		b := ask(ctx2, g, 2)
		time.Sleep(2 * time.Millisecond) // sent
		cancel1()
		<-a
		synctest.Wait()
		if err := r.ctxs[0].Err(); err != nil {
			t.Fatalf("fetch cancelled while a caller still waits: %v", err)
		}
		cancel2()
		<-b
		synctest.Wait()
		if err := r.ctxs[0].Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("fetch context after every caller left: %v, want cancelled", err)
		}
	})
}

func TestAFetchErrorReachesEveryCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{err: errors.New("server down")}
		g := New(r.fetch, Policy{Window: fixed(time.Millisecond), MaxWait: time.Second})
		a, b := ask(t.Context(), g, 1), ask(t.Context(), g, 2)
		if got := [2]string{<-a, <-b}; got != [2]string{"0 false server down", "0 false server down"} {
			t.Errorf("answers %q", got)
		}
	})
}

// A batch waits, past its window, while the caller's other requests are under way: on a
// server that answers one at a time they would hold it up anyway, and the reads that come
// meanwhile (the read-backs of a wave of destroys, say) join it.
func TestABatchWaitsWhileTheCallerIsBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		var busy atomic.Bool
		busy.Store(true)
		g := New(r.fetch, Policy{Window: fixed(10 * time.Millisecond), Busy: busy.Load, MaxWait: time.Minute})
		start := time.Now()
		a := ask(t.Context(), g, 1)
		time.Sleep(35 * time.Millisecond)
		b := ask(t.Context(), g, 2)
		time.Sleep(25 * time.Millisecond)
		if got := r.batches(); len(got) != 0 {
			t.Fatalf("fetched %v while busy", got)
		}
		busy.Store(false)
		g.Wake() // the caller's last request ended
		<-a
		<-b
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{1, 2}}, slices.Equal) {
			t.Errorf("fetches %v, want the two reads in one", got)
		}
		if waited := time.Since(start); waited != 60*time.Millisecond {
			t.Errorf("waited %v: want it sent when the caller was done (60ms)", waited)
		}
	})
}

// A batch waits for the callers announced with Hold: the read-backs of a wave of destroys,
// whose writes end one round trip apart on a server that answers one request at a time.
func TestAnnouncedCallersKeepTheBatchOpen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(10 * time.Millisecond), MaxWait: time.Minute})
		h1, h2, h3 := g.Hold(), g.Hold(), g.Hold()
		answers := make(chan string, 2)
		for i, h := range []*Holder[int, int]{h1, h2} {
			go func() {
				time.Sleep(time.Duration(i+1) * 40 * time.Millisecond)
				v, ok, err := h.Get(t.Context(), i+1)
				answers <- fmt.Sprintf("%d %t %v", v, ok, err)
			}()
		}
		go func() {
			time.Sleep(120 * time.Millisecond)
			h3.Release() // its write failed: it asks for nothing
		}()
		<-answers
		<-answers
		if got := r.batches(); !slices.EqualFunc(got, [][]int{{1, 2}}, slices.Equal) {
			t.Errorf("fetches %v, want the two announced reads in one", got)
		}
		h1.Release() // after Get: no effect
	})
}

func TestMaxWaitBoundsTheWaitWhileBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		g := New(r.fetch, Policy{Window: fixed(10 * time.Millisecond), Busy: func() bool { return true }, MaxWait: 100 * time.Millisecond})
		start := time.Now()
		<-ask(t.Context(), g, 1)
		if waited := time.Since(start); waited != 100*time.Millisecond {
			t.Errorf("waited %v for a caller busy for ever, want MaxWait (100ms)", waited)
		}
	})
}

func TestTheWindowIsReadWhenABatchOpens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		var window atomic.Int64
		window.Store(int64(30 * time.Millisecond))
		g := New(r.fetch, Policy{Window: func() time.Duration { return time.Duration(window.Load()) }, MaxWait: time.Second})
		start := time.Now()
		<-ask(t.Context(), g, 1)
		first := time.Since(start)
		window.Store(int64(time.Millisecond)) // the server turned out fast
		start = time.Now()
		<-ask(t.Context(), g, 2)
		if second := time.Since(start); first != 30*time.Millisecond || second != time.Millisecond {
			t.Errorf("batches waited %v and %v, want 30ms and then 1ms", first, second)
		}
	})
}

// TestUnderLoad asks for random keys from many goroutines at once, with callers giving up
// at random and others keeping the caller busy, and checks what holds under any scheduling: every caller gets an answer (the
// right one, or its own cancellation), no fetch is made for nothing, and there are never
// more fetches than callers.
func TestUnderLoad(t *testing.T) {
	var fetches, keysFetched atomic.Int64
	fetch := func(ctx context.Context, keys []int) (map[int]int, error) {
		fetches.Add(1)
		keysFetched.Add(int64(len(keys)))
		if len(keys) == 0 {
			t.Error("a fetch without keys")
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		out := map[int]int{}
		for _, k := range keys {
			out[k] = -k
		}
		return out, ctx.Err()
	}
	var inflight atomic.Int64
	g := New(fetch, Policy{Window: fixed(200 * time.Microsecond), Busy: func() bool { return inflight.Load() > 0 }, MaxWait: 5 * time.Millisecond})
	const callers = 2000
	var wg sync.WaitGroup
	var answered atomic.Int64
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(2000))*time.Microsecond)
			defer cancel()
			if i%7 == 0 { // a write of its own first, which keeps the others' batches waiting
				inflight.Add(1)
				time.Sleep(time.Duration(rand.IntN(100)) * time.Microsecond)
				inflight.Add(-1)
			}
			key := rand.IntN(50)
			v, ok, err := g.Get(ctx, key)
			switch {
			case err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled):
				t.Errorf("key %d: %v", key, err)
			case err == nil && (!ok || v != -key):
				t.Errorf("key %d: got %d, %t", key, v, ok)
			}
			answered.Add(1)
		}()
	}
	wg.Wait()
	if answered.Load() != callers {
		t.Errorf("%d of %d callers answered", answered.Load(), callers)
	}
	if f := fetches.Load(); f > callers || keysFetched.Load() > callers {
		t.Errorf("%d fetches of %d keys for %d callers", f, keysFetched.Load(), callers)
	}
}
