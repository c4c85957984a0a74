// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"strconv"
	"sync/atomic"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// providerData is the one value handed to every resource and data source of a provider
// process: the API client (which shares one login, one lookup cache and the coalescing of
// reads), the settings that change how resources talk to it, and the plan book.
type providerData struct {
	client       *client.Client
	updateMethod string

	// registry checks images against their registries (registry_check.go).
	registry *registryCheck

	// plans is what this process remembers between Terraform's calls (plan_book.go).
	plans *planBook
}

func newProviderData(c *client.Client, s settings) *providerData {
	return &providerData{client: c, updateMethod: s.updateMethod, registry: newRegistryCheck(s), plans: newPlanBook()}
}

// imageTable names docker images in the plan book.
const imageTable = "docker image"

var owners atomic.Int64

// newOwner is a claim owner for a row that does not exist yet: unique in the process.
func newOwner() string { return "new " + strconv.FormatInt(owners.Add(1), 10) }
