#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Builds the pinned OpenTofu from the Go module proxy into a cache outside the clone and
# prints the binary's path. Reuses the binary when it is already there (about 5 minutes
# cold on two cores, nothing warm).
#
#   internal/scripts/build-opentofu.sh          build if needed, print the path
#   internal/scripts/build-opentofu.sh --path   print the path only, never build
#
# `go install ...@version` refuses OpenTofu because its go.mod has a replace directive, so a
# wrapper module requires it and repeats that replace line.
set -euo pipefail

TOFU_VERSION=1.12.6
# The single replace line of github.com/opentofu/opentofu v1.12.6's go.mod.
TOFU_REPLACE='github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828'

# shellcheck source=internal/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="$(ufdl_cache_dir)/tofu-$TOFU_VERSION/tofu"
[[ ${1:-} != --path ]] || { printf '%s\n' "$bin"; exit 0; }

if [[ ! -x $bin ]]; then
	echo "building OpenTofu v$TOFU_VERSION into $bin (about 5 minutes on two cores)..." >&2
	ufdl_build_go_cli "$bin" "module ufdl.local/build-opentofu

go 1.26.8

require github.com/opentofu/opentofu v$TOFU_VERSION

replace $TOFU_REPLACE" \
		github.com/opentofu/opentofu/cmd/tofu \
		"v$TOFU_VERSION" \
		"-X github.com/opentofu/opentofu/version.dev=no"
fi

ufdl_print_cli "$bin"
