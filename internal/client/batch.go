package client

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ImageReader is how a provider process refreshes, finds and destroys images: one call each
// (Client.Direct) or batched into list calls (NewBatchReader). Forget(pk) says the process
// has just written pk.
type ImageReader interface {
	ReadImage(ctx context.Context, pk int64) (*Image, error)
	FindImage(ctx context.Context, name, version string) (*Image, error)
	DestroyImage(ctx context.Context, pk int64, tasks []string) error
	Forget(pk int64)
}

// Direct returns an ImageReader that makes one call per read, look-up and read-back.
func (c *Client) Direct() ImageReader { return direct{c} }

var _ ImageReader = (*BatchReader)(nil)

type direct struct{ *Client }

func (d direct) ReadImage(ctx context.Context, pk int64) (*Image, error) { return d.GetImage(ctx, pk) }

func (direct) Forget(int64) {} // every read is exact already

// BatchReader serves the image reads and look-ups of one process from list calls instead of
// one call each. Terraform runs up to ten operations at once (-parallelism), and against a
// server that handles requests one at a time, N calls cost N round trips: the reads that
// arrive together (one Terraform wave) share one list call selecting exactly them.
//
// Why a wave lists exactly its own images, never the whole catalog: a list costs a round
// trip plus the serialisation of every image it returns (on the real backend ~35 ms and
// ~6.5 ms per image). Exact lists cost what the plan manages, however many images others
// keep on the server; the whole catalog costs what the server holds, which on a shared
// deployment is often many times more.
//
// Why the answers are never stale:
//   - A BatchReader lives exactly as long as one provider process, which serves one
//     Terraform operation (plan, apply, refresh); every list it makes starts after the
//     operation started, so no read returns data older than the operation that asked.
//   - A list is sent after every read in its batch was asked for: a read-back that follows a
//     DELETE sees the DELETE.
//   - Forget(pk) is called after every write of pk in the process (create, update, delete);
//     later refreshes of pk then bypass the lists with an exact GET.
//   - An image missing from a list is not found: the list selected it explicitly.
type BatchReader struct {
	c        *Client
	byPK     *batcher[int64, Image]
	byName   *batcher[nameVersion, Image]
	readBack *batcher[int64, Image]

	mu        sync.Mutex
	forgotten map[int64]bool // written in this process: refreshed with GET
	deleting  atomic.Int64   // destroys under way, each to wait for before a read-back is sent
}

type nameVersion struct{ name, version string }

// NewBatchReader returns a reader over c. A batch is sent once no read has joined it for
// quiet: Terraform's wave of (by default ten) reads arrives within a few milliseconds on an
// idle machine and a few tens on a busy one. A read-back waits for every destroy under way,
// which on a server that answers one request at a time takes the whole wave's DELETEs.
func NewBatchReader(c *Client, quiet time.Duration) *BatchReader {
	r := &BatchReader{
		c:         c,
		byPK:      newBatcher(quiet, 10*quiet, c.listByPK),
		byName:    newBatcher(quiet, 10*quiet, c.listByNameVersion),
		readBack:  newBatcher(quiet, 30*time.Second, c.listByPK),
		forgotten: map[int64]bool{},
	}
	r.byPK.learnsWaves, r.byName.learnsWaves = true, true
	r.readBack.ready = func(pending int) bool { return pending >= int(r.deleting.Load()) }
	return r
}

// ReadImage returns image pk as of a list call made during this process, or an error for
// which IsNotFound is true when the image does not exist.
func (r *BatchReader) ReadImage(ctx context.Context, pk int64) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	r.mu.Lock()
	written := r.forgotten[pk]
	r.mu.Unlock()
	if written {
		return r.c.GetImage(ctx, pk)
	}
	img, err := r.byPK.get(ctx, pk)
	if err != nil {
		return nil, err
	}
	if img == nil {
		return nil, notInList(pk)
	}
	return img, nil
}

// FindImage finds the image named name with version version, or nil, nil when there is
// none. Terraform checks every planned create; the checks of one wave share one list call
// selecting exactly their (name, version) pairs.
func (r *BatchReader) FindImage(ctx context.Context, name, version string) (*Image, error) {
	return r.byName.get(ctx, nameVersion{name, version})
}

// Forget makes later reads of pk exact GETs: the process has just written it.
func (r *BatchReader) Forget(pk int64) {
	r.mu.Lock()
	r.forgotten[pk] = true
	r.mu.Unlock()
}

// DestroyImage is Client.DestroyImage with its read-backs, which prove that an image is gone,
// shared by the destroys of a wave: one list call for all of them instead of a GET each.
func (r *BatchReader) DestroyImage(ctx context.Context, pk int64, tasks []string) error {
	return r.c.destroyImage(ctx, pk, tasks, deleter{
		started: func() { r.deleting.Add(1) },
		done: func() {
			r.deleting.Add(-1)
			r.readBack.nudge() // one fewer to wait for
		},
		readBack: func(ctx context.Context, pk int64) (*Image, error) {
			img, err := r.readBack.get(ctx, pk)
			if err == nil && img == nil {
				return nil, notInList(pk)
			}
			return img, err
		},
	})
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
		found[img.PK] = img
	}
	return found, nil
}

// listByNameVersion lists exactly the images named by pairs. A pair held by two images (a
// server that breaks uniqueness) is an error for the caller that asked for it.
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
	images, err := c.ListImages(ctx, &Filter{Expressions: []Expression{{Type: ExprOr, SubExpressions: exprs}}})
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

// notInList is the not-found error for an image that a list selecting it did not contain.
func notInList(pk int64) error {
	return &APIError{Method: http.MethodGet, Path: imagePath(pk), Status: http.StatusNotFound, Detail: "Not found."}
}

// batcher gathers the keys that concurrent callers ask for and answers them all with one
// fetch; keys asked for while a fetch runs wait for the next one. A batch is fetched when
// ready says so (e.g. every caller it can expect is waiting), when no key has arrived for
// quiet, or at the latest maxWait after its first key. With learnsWaves, a batch is also
// fetched as soon as it holds as many callers as the largest batch so far: Terraform starts
// its reads in waves of -parallelism, all together once the previous wave's answer is in, so
// a full wave need not wait out the quiet window.
type batcher[K comparable, V any] struct {
	quiet, maxWait time.Duration
	fetch          func(context.Context, []K) (map[K]V, error)
	ready          func(pending int) bool // nil: quiet and maxWait decide
	learnsWaves    bool

	largest int // callers of the largest batch fetched so far (under mu)

	mu       sync.Mutex
	pending  map[K][]chan batchResult[V]
	first    context.Context // of the batch's first caller, without its cancellation
	arrived  chan struct{}   // signalled, without blocking, on every key
	flushing bool
}

type batchResult[V any] struct {
	val *V // nil: the fetch found nothing for the key
	err error
}

func newBatcher[K comparable, V any](quiet, maxWait time.Duration, fetch func(context.Context, []K) (map[K]V, error)) *batcher[K, V] {
	return &batcher[K, V]{quiet: quiet, maxWait: maxWait, fetch: fetch, pending: map[K][]chan batchResult[V]{}, arrived: make(chan struct{}, 1)}
}

// get returns the value for key (nil when the fetch found none) from the next fetch.
func (b *batcher[K, V]) get(ctx context.Context, key K) (*V, error) {
	ch := make(chan batchResult[V], 1)
	b.mu.Lock()
	if len(b.pending) == 0 {
		b.first = context.WithoutCancel(ctx)
	}
	b.pending[key] = append(b.pending[key], ch)
	if !b.flushing {
		b.flushing = true
		go b.flush()
	}
	b.mu.Unlock()
	b.nudge()
	select {
	case res := <-ch:
		return res.val, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// nudge wakes the flushing goroutine to look at the batch again.
func (b *batcher[K, V]) nudge() {
	select {
	case b.arrived <- struct{}{}:
	default:
	}
}

// gather waits until the pending batch should be fetched.
func (b *batcher[K, V]) gather() {
	deadline := time.NewTimer(b.maxWait)
	defer deadline.Stop()
	quiet := time.NewTimer(b.quiet)
	defer quiet.Stop()
	for {
		b.mu.Lock()
		n := 0
		for _, waiters := range b.pending {
			n += len(waiters)
		}
		full := b.learnsWaves && b.largest > 1 && n >= b.largest
		b.mu.Unlock()
		if full || (n > 0 && b.ready != nil && b.ready(n)) {
			return
		}
		select {
		case <-b.arrived:
			if !quiet.Stop() {
				<-quiet.C
			}
			quiet.Reset(b.quiet)
		case <-quiet.C:
			if b.ready == nil {
				return
			}
			quiet.Reset(b.quiet)
		case <-deadline.C:
			return
		}
	}
}

// flush fetches batches while keys keep coming.
func (b *batcher[K, V]) flush() {
	for {
		b.gather()
		b.mu.Lock()
		batch, ctx := b.pending, b.first
		b.pending = map[K][]chan batchResult[V]{}
		if len(batch) == 0 {
			b.flushing = false
			b.mu.Unlock()
			return
		}
		callers := 0
		for _, waiters := range batch {
			callers += len(waiters)
		}
		b.largest = max(b.largest, callers)
		b.mu.Unlock()

		keys := make([]K, 0, len(batch))
		for k := range batch {
			keys = append(keys, k)
		}
		// NOTE: the first caller's context for its values (the request logger) but not its
		// cancellation: the others share the answer.
		found, err := b.fetch(ctx, keys)
		for k, waiters := range batch {
			res := batchResult[V]{err: err}
			if v, ok := found[k]; ok && err == nil {
				val := v
				res.val = &val
			}
			for _, w := range waiters {
				w <- res
			}
		}
	}
}
