#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Runs every generator, each before the ones that read its output (`make generate`):
#   1. licence headers on the source files (headers.sh)
#   2. `fmt -recursive examples` with the CLI the scripts drive (terraform, else OpenTofu)
#   3. docs/ from the schema, templates/ and examples/ (docs.sh, tfplugindocs)
#   4. .changes/CHANGELOG.md from the released versions in .changes/ (changie merge)
# With --check (CI) it then fails when the work tree differs from what git has: something
# generated was not committed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
# shellcheck source=internal/scripts/lib.sh
source internal/scripts/lib.sh

check=false
[[ ${1:-} == --check ]] && check=true
dirty_before=$(git status --porcelain --untracked-files=all)

export CHECKPOINT_DISABLE=1
TF_CLI_CONFIG_FILE=$(ufdl_empty_tfrc)
export TF_CLI_CONFIG_FILE

echo "--- licence headers"
internal/scripts/headers.sh
tf=$(ufdl_tf_cli)
echo "--- $(basename "$tf") fmt -recursive examples"
"$tf" fmt -recursive examples
echo "--- docs"
internal/scripts/docs.sh
echo "--- .changes/CHANGELOG.md"
go tool -modfile=internal/tools/publish/go.mod changie merge

$check || exit 0
stale=$(git status --porcelain --untracked-files=all)
if [[ -n $stale ]]; then
	echo "make generate changed the work tree; run it and commit the result:" >&2
	printf '%s\n' "$stale" >&2
	git --no-pager diff --stat >&2 || true
	[[ -n $dirty_before ]] && echo "(the work tree had uncommitted changes before it ran too)" >&2
	exit 1
fi
echo "make generate: no change"
