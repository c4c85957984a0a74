#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Runs every FuzzXxx target in the repository for a short while, one after the other
# (go test accepts one -fuzz target per run).
#   internal/scripts/fuzz.sh [FUZZTIME]    default 10s per target
# A failing input is written to the package's testdata/fuzz/ and then runs as a regular test.
set -euo pipefail
fuzztime=${1:-10s}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

targets=0
# Only the root module: the tools modules under internal/tools have no fuzz targets.
while IFS= read -r file; do
	pkg="./$(dirname "$file")"
	while IFS= read -r name; do
		echo "--- fuzz $pkg $name ($fuzztime)"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
		targets=$((targets + 1))
	done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file")
done < <(find . -name '*_test.go' -not -path './.git/*' -not -path './internal/tools/*' -not -path '*/testdata/*' | sed 's|^\./||' | sort)

echo "fuzzed $targets targets for $fuzztime each"
