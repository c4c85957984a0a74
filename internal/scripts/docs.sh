#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Generates docs/ with tfplugindocs from the schema descriptions, templates/ and examples/,
# then validates the result (`make docs`). With --check it fails when docs/ then differs from
# what git has (modified, deleted or untracked files): the check CI runs (`make docs-check`).
#
# The schema comes from `<cli> providers schema -json` run against the provider built from
# this tree through dev_overrides, and is handed to tfplugindocs with --providers-schema: that
# works offline, and tfplugindocs never looks for (or downloads) a CLI itself.
# The CLI: UFDL_DOCS_CLI = tofu (default), terraform-next, terraform, or a path.
# NOTE: the default is the pinned OpenTofu build (built on first use, about 5 minutes) because
# the machine's Terraform 1.11 does not report resource identity schemas, so the identity
# import docs would vanish. Always generate with the same CLI, or docs/ changes with the machine.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=internal/scripts/lib.sh
source "$root/internal/scripts/lib.sh"

check=false
[[ ${1:-} == --check ]] && check=true

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ufdl-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tf=$(ufdl_cli_by_name "${UFDL_DOCS_CLI:-tofu}")
(cd "$root" && go build -o "$tmp/bin/terraform-provider-ufdl" .)
ufdl_dev_overrides_tfrc "$tmp/cli.tfrc" "$tmp/bin"
mkdir -p "$tmp/schema"
printf 'terraform {\n  required_providers {\n    ufdl = {\n      source = "waikato-ufdl/ufdl"\n    }\n  }\n}\n' >"$tmp/schema/main.tf"
(
	cd "$tmp/schema"
	TF_CLI_CONFIG_FILE=$tmp/cli.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
		"$tf" providers schema -json >"$tmp/raw.json"
)
# tfplugindocs finds the schema under the key "ufdl" (or registry.terraform.io/hashicorp/ufdl);
# the CLI reports it under the full source address.
sed -E 's#"registry\.(terraform\.io|opentofu\.org)/waikato-ufdl/ufdl"#"ufdl"#' "$tmp/raw.json" >"$tmp/schema.json"
grep -q '"ufdl"' "$tmp/schema.json" || { echo "error: no ufdl provider in the schema from $tf" >&2; exit 1; }

cd "$root"
docs() { go tool -modfile=internal/tools/go.mod tfplugindocs "$@"; }
docs generate --provider-name ufdl --providers-schema "$tmp/schema.json"
# validate logs every file it looks at as [DEBUG]; its findings and exit status are kept.
docs validate --provider-name ufdl --providers-schema "$tmp/schema.json" 2>&1 | { grep -v '\[DEBUG\]' || true; }

if $check; then
	if ! command -v git >/dev/null || ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		echo "error: docs --check needs a git work tree to compare with" >&2
		exit 1
	fi
	stale=$(git status --porcelain --untracked-files=all -- docs/)
	if [[ -n $stale ]]; then
		echo "docs/ is stale: these files differ from what is committed after regeneration:" >&2
		printf '%s\n' "$stale" >&2
		git --no-pager diff --stat -- docs/ >&2 || true
		echo "run 'make docs' and commit docs/" >&2
		exit 1
	fi
	echo "docs/ is up to date"
fi
