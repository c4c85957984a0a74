package client

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// BatchReader serves image reads of one process from list calls instead of one GET each.
// Terraform refreshes every managed image with its own ReadResource call, up to ten at a
// time; against a server that handles requests one at a time, N GETs cost N round trips.
//
// The first reads that arrive together (one Terraform parallelism wave) are answered by one
// list call selecting exactly their pks. Reads arriving after that are answered by one list
// of the whole catalog, which then answers every later read of the process: a plan of any
// size makes at most two list calls.
//
// Why the answers are never stale:
//   - A BatchReader lives exactly as long as one provider process, which serves one
//     Terraform operation (plan, apply, refresh); every list it makes starts after the
//     operation started, so no read returns data older than the operation that asked.
//   - Forget(pk) is called after every write of pk in the process (create, update, delete);
//     later reads of pk then bypass the lists with an exact GET.
//   - An image missing from a list is reported as not found only because that list was
//     complete for it: either it selected the pk explicitly, or it listed the whole catalog.
//   - Callers that need an exact read (import, the read-back after delete) use GetImage.
type BatchReader struct {
	c      *Client
	window time.Duration

	catalogLoad sync.Mutex // one whole-catalog list at a time for FindImage

	mu        sync.Mutex
	pending   map[int64][]chan readResult // reads waiting for the next list call
	flushing  bool                        // a flush goroutine is gathering or listing
	lists     int                         // list calls started so far
	catalog   map[int64]Image             // the whole catalog, once listed
	forgotten map[int64]bool              // written in this process: read with GET
}

type readResult struct {
	img *Image
	err error
}

// NewBatchReader returns a reader over c. window is how long the first read of a batch
// waits for others to join it; a few milliseconds catch a whole Terraform wave.
func NewBatchReader(c *Client, window time.Duration) *BatchReader {
	return &BatchReader{c: c, window: window, pending: map[int64][]chan readResult{}, forgotten: map[int64]bool{}}
}

// ReadImage returns image pk as of a list call made during this process, or an error for
// which IsNotFound is true when the image does not exist.
func (r *BatchReader) ReadImage(ctx context.Context, pk int64) (*Image, error) {
	if err := checkPK(pk); err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.forgotten[pk] {
		r.mu.Unlock()
		return r.c.GetImage(ctx, pk)
	}
	if r.catalog != nil {
		img, ok := r.catalog[pk]
		r.mu.Unlock()
		if !ok {
			return nil, notInList(pk)
		}
		return cloneImage(&img), nil
	}
	ch := make(chan readResult, 1)
	r.pending[pk] = append(r.pending[pk], ch)
	if !r.flushing {
		r.flushing = true
		go r.flush()
	}
	r.mu.Unlock()

	select {
	case res := <-ch:
		return res.img, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// FindImage finds the image named name with version version in the catalog of this
// process, listing the catalog once if no refresh has yet. nil, nil when there is none.
// Terraform checks every planned create against it, so one list serves them all. An image
// this process has written since is confirmed with the server: it may have been renamed.
func (r *BatchReader) FindImage(ctx context.Context, name, version string) (*Image, error) {
	catalog, err := r.wholeCatalog(ctx)
	if err != nil {
		return nil, err
	}
	for _, img := range catalog {
		if img.Name == name && img.Version == version {
			r.mu.Lock()
			written := r.forgotten[img.PK]
			r.mu.Unlock()
			if written {
				return r.c.FindImage(ctx, name, version)
			}
			return cloneImage(&img), nil
		}
	}
	return nil, nil
}

// wholeCatalog returns the catalog listed in this process, listing it now if need be.
func (r *BatchReader) wholeCatalog(ctx context.Context) (map[int64]Image, error) {
	r.catalogLoad.Lock()
	defer r.catalogLoad.Unlock()
	r.mu.Lock()
	catalog := r.catalog
	r.mu.Unlock()
	if catalog != nil {
		return catalog, nil
	}
	images, err := r.c.ListImages(ctx, nil)
	if err != nil {
		return nil, err
	}
	catalog = make(map[int64]Image, len(images))
	for _, img := range images {
		catalog[img.PK] = img
	}
	r.mu.Lock()
	if r.catalog == nil {
		r.catalog = catalog
		r.lists++
	}
	catalog = r.catalog
	r.mu.Unlock()
	return catalog, nil
}

// Forget makes later reads of pk exact GETs: the process has just written it.
func (r *BatchReader) Forget(pk int64) {
	r.mu.Lock()
	r.forgotten[pk] = true
	r.mu.Unlock()
}

// flush gathers the pending reads for one window, answers them with one list call, and
// repeats while reads keep arriving.
func (r *BatchReader) flush() {
	for {
		time.Sleep(r.window)
		r.mu.Lock()
		batch := r.pending
		r.pending = map[int64][]chan readResult{}
		whole := r.lists > 0
		r.lists++
		r.mu.Unlock()

		r.answer(batch, whole)

		r.mu.Lock()
		if len(r.pending) == 0 || r.catalog != nil {
			// Reads queued behind a catalog list are answered from it right away.
			leftover := r.pending
			r.pending = map[int64][]chan readResult{}
			r.flushing = false
			catalog := r.catalog
			r.mu.Unlock()
			for pk, waiters := range leftover {
				res := fromCatalog(catalog, pk)
				for _, w := range waiters {
					w <- res
				}
			}
			return
		}
		r.mu.Unlock()
	}
}

// answer makes one list call for batch: exactly its pks, or the whole catalog.
func (r *BatchReader) answer(batch map[int64][]chan readResult, whole bool) {
	// NOTE: the list must not be cancelled with the context of whichever read started
	// it: other reads share its answer.
	ctx := context.Background()
	var f *Filter
	if !whole {
		pks := make([]Expression, 0, len(batch))
		for pk := range batch {
			pks = append(pks, Expression{Type: "exact", Field: "pk", Value: pk})
		}
		f = &Filter{Expressions: []Expression{{Type: "or", SubExpressions: pks}}}
	}
	images, err := r.c.ListImages(ctx, f)
	if err != nil {
		for _, waiters := range batch {
			for _, w := range waiters {
				w <- readResult{err: err}
			}
		}
		return
	}
	found := make(map[int64]Image, len(images))
	for _, img := range images {
		found[img.PK] = img
	}
	if whole {
		r.mu.Lock()
		r.catalog = found
		r.mu.Unlock()
	}
	for pk, waiters := range batch {
		res := fromCatalog(found, pk)
		for _, w := range waiters {
			w <- res
		}
	}
}

func fromCatalog(images map[int64]Image, pk int64) readResult {
	img, ok := images[pk]
	if !ok {
		return readResult{err: notInList(pk)}
	}
	return readResult{img: cloneImage(&img)}
}

// notInList is the not-found error for an image that a complete list did not contain.
func notInList(pk int64) error {
	return &APIError{Method: http.MethodGet, Path: imagePath(pk), Status: http.StatusNotFound, Detail: "Not found."}
}

func cloneImage(img *Image) *Image {
	c := *img
	c.Tasks = append([]string(nil), img.Tasks...)
	if img.MinHardwareGeneration != nil {
		g := *img.MinHardwareGeneration
		c.MinHardwareGeneration = &g
	}
	return &c
}
