// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Command terraform-provider-ufdl serves the UFDL Terraform provider over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/provider"
	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/stablestate"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

//go:generate bash internal/scripts/docs.sh

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	for name, value := range provider.UnreadLogLevels(os.Getenv, debug) {
		_ = os.Setenv(name, value)
	}
	if os.Getenv("GOGC") == "" {
		// The process lives for one Terraform operation and holds little, but decodes a
		// value per resource per RPC: collecting half as often trades a few tens of MB for
		// less CPU in large plans.
		runtimedebug.SetGCPercent(200)
	}

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// stablestate: a drift job's refresh-only plan finds an unchanged image unchanged.
	err := tf6server.Serve(provider.Address, func() tfprotov6.ProviderServer {
		return stablestate.Wrap(providerserver.NewProtocol6(provider.New(version)())())
	}, opts...)
	if err != nil {
		log.Fatal(err)
	}
}
