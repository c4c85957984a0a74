#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Checks examples/: `fmt -check -recursive`, then `validate` in every folder whose .tf files
# configure the provider or declare a ufdl resource or data source, against the provider
# built from this tree (dev_overrides: no registry, no init). Each folder is validated in a
# temporary copy, so examples/ stays clean; folders without a required_providers block (the
# snippets docs/ shows) get one added in the copy.
#
# CLIs: terraform from PATH and the pinned OpenTofu build when it exists (CI builds it);
# at least one of them. UFDL_EXAMPLES_CLIS="terraform tofu terraform-next" (or paths)
# chooses instead. Files whose name contains "identity" use Terraform >= 1.12 syntax and are
# left out on older CLIs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=internal/scripts/lib.sh
source "$root/internal/scripts/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ufdl-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

clis=()
if [[ -n ${UFDL_EXAMPLES_CLIS:-} ]]; then
	for name in $UFDL_EXAMPLES_CLIS; do clis+=("$(ufdl_cli_by_name "$name")"); done
else
	command -v terraform >/dev/null 2>&1 && clis+=("$(command -v terraform)")
	tofu=$("$root/internal/scripts/build-opentofu.sh" --path)
	[[ -x $tofu ]] && clis+=("$tofu")
	[[ ${#clis[@]} -gt 0 ]] || clis+=("$(ufdl_tf_cli)")
fi

(cd "$root" && go build -o "$tmp/bin/terraform-provider-ufdl" .)
ufdl_dev_overrides_tfrc "$tmp/cli.tfrc" "$tmp/bin"
export TF_CLI_CONFIG_FILE=$tmp/cli.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

mapfile -t dirs < <(find "$root/examples" -name '*.tf' -exec dirname {} \; | sort -u)
failed=0 checked=0
for tf in "${clis[@]}"; do
	version=$("$tf" version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
	label="$(basename "$tf") $version"
	old=false
	[[ $(printf '%s\n1.12.0\n' "$version" | sort -V | head -n1) != 1.12.0 ]] && old=true

	if (cd "$root" && "$tf" fmt -check -diff -recursive examples); then
		echo "--- $label fmt -check -recursive examples: ok"
	else
		echo "--- $label fmt -check -recursive examples: FAILED (run '$(basename "$tf") fmt -recursive examples')"
		failed=$((failed + 1))
	fi

	for dir in "${dirs[@]}"; do
		rel=${dir#"$root"/}
		grep -Eqs '^[[:space:]]*(provider[[:space:]]+"ufdl"|(resource|data)[[:space:]]+"ufdl_)' "$dir"/*.tf || continue
		work="$tmp/work/$(basename "$tf")/$rel"
		mkdir -p "$work"
		cp "$dir"/*.tf "$work/"
		note=""
		if $old && compgen -G "$work/*identity*.tf" >/dev/null; then
			rm -f "$work"/*identity*.tf
			note=" (without *identity*.tf: needs >= 1.12)"
		fi
		if ! grep -qs 'required_providers' "$work"/*.tf; then
			printf 'terraform {\n  required_providers {\n    ufdl = {\n      source = "waikato-ufdl/ufdl"\n    }\n  }\n}\n' >"$work/zz_required_providers.tf"
		fi
		# The output only matters when it fails (success always carries the dev_overrides warning).
		if out=$(cd "$work" && "$tf" validate -no-color 2>&1); then
			echo "--- $label validate $rel: ok$note"
			checked=$((checked + 1))
		else
			echo "--- $label validate $rel: FAILED$note"
			printf '%s\n' "$out"
			failed=$((failed + 1))
		fi
	done
done

echo "examples: $checked validations passed, $failed failed, with ${#clis[@]} CLI(s)"
[[ $failed -eq 0 && $checked -gt 0 ]]
