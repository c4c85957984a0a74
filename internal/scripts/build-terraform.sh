#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Builds the pinned Terraform from the Go module proxy into a cache outside the clone and
# prints the binary's path. Reuses the binary when it is already there. Cold on two cores:
# about 2.5 minutes of downloads (2.7 GB module cache) and 6 minutes of build (3 GB build
# cache, 2.3 GB peak memory); warm rebuilds take under 30 seconds.
#
#   internal/scripts/build-terraform.sh          build if needed, print the path
#   internal/scripts/build-terraform.sh --path   print the path only, never build
#
# `go install` refuses Terraform: its go.mod replaces ten nested modules with local folders
# that are not in the module zip. The wrapper module replaces each of them with the same
# module path at the pseudo-version of the release commit (hash and time from the proxy's
# .info for the tag: `go mod download -json github.com/hashicorp/terraform@vX.Y.Z`).
# To move to another release, change both TF_VERSION and TF_PSEUDO.
set -euo pipefail

TF_VERSION=1.16.4
TF_PSEUDO=v0.0.0-20260923115756-6ee8af215a53

# shellcheck source=internal/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="$(ufdl_cache_dir)/terraform-$TF_VERSION/terraform"
[[ ${1:-} != --path ]] || { printf '%s\n' "$bin"; exit 0; }

if [[ ! -x $bin ]]; then
	echo "building Terraform v$TF_VERSION into $bin (about 8.5 minutes on two cores)..." >&2
	replaces=""
	for m in internal/backend/remote-state/{azure,consul,cos,gcs,kubernetes,oss,pg,s3,oci} internal/legacy; do
		replaces+="replace github.com/hashicorp/terraform/$m => github.com/hashicorp/terraform/$m $TF_PSEUDO"$'\n'
	done
	ufdl_build_go_cli "$bin" "module ufdl.local/build-terraform

go 1.26.8

require github.com/hashicorp/terraform v$TF_VERSION

$replaces" \
		github.com/hashicorp/terraform \
		"v$TF_VERSION" \
		"-X github.com/hashicorp/terraform/version.dev=no"
fi

ufdl_print_cli "$bin"
