#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Fails when the provider's code under internal/ changed without a changelog entry (CI's
# "changelog entry" section). The rule: if files under internal/ differ between BASE and HEAD,
# at least one entry must have been added under .changes/unreleased/ between them.
# Tests, testdata, internal/scripts/ and internal/tools/ do not count: users never run them.
#
# BASE, the first match of:
#   UFDL_CHANGELOG_BASE   a revision, e.g. origin/main, to check one branch's changes
#   GITHUB_BASE_REF       set by GitHub Actions in a pull request: the merge base with it
#   the last release      the last commit that added a batched version file (.changes/v*.md)
#   the first commit      when nothing was released yet
# So on a clean clone of main, where no pull request is known, it checks everything since the
# last release: changie batch empties .changes/unreleased/, and the next change to internal/
# has to bring an entry with it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

# What counts as a change to the provider (git pathspecs).
code=(internal/ ':!internal/scripts/' ':!internal/tools/' ':!*_test.go' ':!**/testdata/**')
entries=.changes/unreleased/

if [[ -n ${UFDL_CHANGELOG_BASE:-} ]]; then
	base=$UFDL_CHANGELOG_BASE
	why="UFDL_CHANGELOG_BASE"
elif [[ -n ${GITHUB_BASE_REF:-} ]]; then
	base=$(git merge-base HEAD "origin/$GITHUB_BASE_REF") || {
		echo "error: no merge base with origin/$GITHUB_BASE_REF: check out the full history (fetch-depth: 0)" >&2
		exit 1
	}
	why="the merge base with origin/$GITHUB_BASE_REF"
elif [[ $(git rev-parse --is-shallow-repository) == true ]]; then
	# In a shallow clone the oldest commit present looks like the first, and shows every file
	# as added: the last release cannot be found.
	echo "error: this clone is shallow, so the last release cannot be found: check out the full history (fetch-depth: 0) or set UFDL_CHANGELOG_BASE" >&2
	exit 1
elif base=$(git log -1 --diff-filter=A --format=%H -- '.changes/v*.md') && [[ -n $base ]]; then
	why="the last release ($(git log -1 --format=%s "$base"))"
else
	base=$(git rev-list --max-parents=0 HEAD | tail -n 1)
	why="the first commit (nothing released yet)"
fi

echo "changelog: comparing HEAD with $(git rev-parse --short "$base"), $why"
mapfile -t changed < <(git diff --name-only "$base" HEAD -- "${code[@]}")
mapfile -t added < <(git diff --name-only --diff-filter=A "$base" HEAD -- "$entries")
echo "changelog: ${#changed[@]} files of the provider changed, ${#added[@]} entries added"

if [[ ${#changed[@]} -gt 0 && ${#added[@]} -eq 0 ]]; then
	echo "error: internal/ changed without a changelog entry; these files changed:" >&2
	printf '  %s\n' "${changed[@]:0:20}" >&2
	[[ ${#changed[@]} -gt 20 ]] && echo "  ... and $((${#changed[@]} - 20)) more" >&2
	echo "add one with 'make changelog-entry' (kinds: BREAKING CHANGES, NOTES, FEATURES, ENHANCEMENTS, BUG FIXES) and commit it" >&2
	exit 1
fi
echo "changelog: ok"
