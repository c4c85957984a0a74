package provider

import (
	"context"
	"sync"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// providerData is the one value handed to every resource and data source of a provider
// process: the API client (which shares one login and one lookup cache) and the settings
// that change how resources talk to it.
type providerData struct {
	client       *client.Client
	updateMethod string

	// reader batches refresh reads into list calls; nil when batch_reads is false.
	reader *client.BatchReader

	// registry checks images against their registries (registry_check.go).
	registry *registryCheck

	// reloadOnce lets a value that is missing from the cached lookups trigger one reload per
	// process (it may have been added on the server meanwhile), not one per resource.
	reloadOnce sync.Once
}

// batchWindow is how long the first refresh read waits for the rest of its Terraform wave.
const batchWindow = 5 * time.Millisecond

func newProviderData(c *client.Client, s settings) *providerData {
	d := &providerData{client: c, updateMethod: s.updateMethod, registry: newRegistryCheck(s)}
	if s.batchReads {
		d.reader = client.NewBatchReader(c, batchWindow)
	}
	return d
}

// readImage reads image pk for a refresh: batched with the other refreshes of the process
// unless batching is off.
func (d *providerData) readImage(ctx context.Context, pk int64) (*client.Image, error) {
	if d.reader == nil {
		return d.client.GetImage(ctx, pk)
	}
	return d.reader.ReadImage(ctx, pk)
}

// findImage looks up an image by name and version, from the catalog the refreshes of this
// process listed when there is one.
func (d *providerData) findImage(ctx context.Context, name, version string) (*client.Image, error) {
	if d.reader == nil {
		return d.client.FindImage(ctx, name, version)
	}
	return d.reader.FindImage(ctx, name, version)
}

// wrote records that the process changed image pk, so that later reads of it are exact.
func (d *providerData) wrote(pk int64) {
	if d.reader != nil {
		d.reader.Forget(pk)
	}
}

// lookups returns the cached lookup tables.
func (d *providerData) lookups(ctx context.Context) (*client.Lookups, error) {
	return d.client.Lookups(ctx)
}

// lookupsWith returns lookup tables for which found reports true, reloading them once per
// process when the cached copy does not satisfy it. The caller reports the error when the
// reloaded tables still lack the value.
func (d *providerData) lookupsWith(ctx context.Context, found func(*client.Lookups) bool) (*client.Lookups, error) {
	lk, err := d.client.Lookups(ctx)
	if err != nil || found(lk) {
		return lk, err
	}
	reloaded := false
	d.reloadOnce.Do(func() {
		reloaded = true
		lk, err = d.client.ReloadLookups(ctx)
	})
	if !reloaded {
		// Another resource already reloaded; its result is in the cache.
		lk, err = d.client.Lookups(ctx)
	}
	return lk, err
}
