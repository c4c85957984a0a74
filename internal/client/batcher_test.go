package client

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestBatcherFetchesAFullWaveAtOnce: once a wave of five has been fetched, the next five
// callers are fetched together the moment the fifth arrives. The quiet window of that wave
// is an hour, so without the rule the callers would wait past the test's deadline.
func TestBatcherFetchesAFullWaveAtOnce(t *testing.T) {
	var mu sync.Mutex
	var fetches [][]int
	b := newBatcher(20*time.Millisecond, time.Hour, func(_ context.Context, keys []int) (map[int]int, error) {
		mu.Lock()
		fetches = append(fetches, slices.Sorted(slices.Values(keys)))
		mu.Unlock()
		out := map[int]int{}
		for _, k := range keys {
			out[k] = 10 * k
		}
		return out, nil
	})
	b.learnsWaves = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wave := func(first int) {
		t.Helper()
		var wg sync.WaitGroup
		for k := first; k < first+5; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v, err := b.get(ctx, k); err != nil || v == nil || *v != 10*k {
					t.Errorf("get(%d) = %v, %v", k, v, err)
				}
			}()
		}
		wg.Wait()
	}

	wave(0) // fetched after the quiet window
	for {   // the flushing goroutine ends a quiet window after its last batch
		b.mu.Lock()
		idle, largest := !b.flushing, b.largest
		b.mu.Unlock()
		if idle {
			if largest != 5 {
				t.Fatalf("largest batch %d after a wave of five", largest)
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	b.quiet = time.Hour
	wave(5)
	if want := [][]int{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}}; !slices.EqualFunc(fetches, want, slices.Equal) {
		t.Errorf("fetches %v, want %v", fetches, want)
	}
}
