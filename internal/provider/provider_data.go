package provider

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// providerData is the one value handed to every resource and data source of a provider
// process: the API client (which shares one login and one lookup cache) and the settings
// that change how resources talk to it.
type providerData struct {
	client       *client.Client
	updateMethod string

	// images refreshes, finds and destroys images: batched into list calls unless
	// batch_reads is false.
	images client.ImageReader

	// registry checks images against their registries (registry_check.go).
	registry *registryCheck

	applying atomic.Bool // the process has written an image

	mu      sync.Mutex
	managed map[int64]bool // images this process saw in a managed resource's state
	seen    chan struct{}  // closed and replaced whenever managed grows
}

// batchWindow is how long a batch of reads waits for one more to join it before it is sent:
// a Terraform wave arrives within a few milliseconds on an idle machine, with gaps of 10-20 ms
// on a busy one (measured: 10 ms split a 30-image plan into 7 lists under load). A list costs
// 50 ms and more on the real backend, so waiting is the cheaper mistake.
const batchWindow = 25 * time.Millisecond

func newProviderData(c *client.Client, s settings) *providerData {
	d := &providerData{client: c, updateMethod: s.updateMethod, registry: newRegistryCheck(s), images: c.Direct(), managed: map[int64]bool{}, seen: make(chan struct{})}
	if s.batchReads {
		d.images = client.NewBatchReader(c, batchWindow)
	}
	return d
}

// wrote records that the process changed image pk, so that later reads of it are exact.
func (d *providerData) wrote(pk int64) {
	d.applying.Store(true)
	d.images.Forget(pk)
}

// isApplying reports whether this process has written an image: Terraform runs a plan in one
// provider process and its apply in another, and only the second writes.
func (d *providerData) isApplying() bool { return d.applying.Load() }

// manages records that image pk is in the state of a resource this process refreshed or
// planned: this configuration manages it.
func (d *providerData) manages(pk int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.managed[pk] {
		d.managed[pk] = true
		close(d.seen)
		d.seen = make(chan struct{})
	}
}

// isManaged reports whether this process saw image pk in a managed resource's state,
// waiting up to wait for it to be seen: Terraform plans a resource's new instance while it
// still refreshes the deposed object of the same address, a moment later.
func (d *providerData) isManaged(ctx context.Context, pk int64, wait time.Duration) bool {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		d.mu.Lock()
		managed, seen := d.managed[pk], d.seen
		d.mu.Unlock()
		if managed {
			return true
		}
		select {
		case <-seen:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}
