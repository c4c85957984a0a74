package provider

import (
	"context"
	"sync"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// providerData is the one value handed to every resource and data source of a provider
// process: the API client (which shares one login and one lookup cache) and the settings
// that change how resources talk to it.
type providerData struct {
	client       *client.Client
	updateMethod string

	// reloadOnce lets a value that is missing from the cached lookups trigger one reload per
	// process (it may have been added on the server meanwhile), not one per resource.
	reloadOnce sync.Once
}

func newProviderData(c *client.Client, updateMethod string) *providerData {
	return &providerData{client: c, updateMethod: updateMethod}
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
