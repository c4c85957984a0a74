#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Gives every source file the licence header (`make headers`), two comment lines at the top,
# after a #! line where there is one:
#   // Copyright (c) The terraform-provider-ufdl authors     (# in every file but Go)
#   // SPDX-License-Identifier: Apache-2.0
# With --check it changes nothing: it lists the files without the header and fails (CI).
# A file whose top names another licence or holder is never given a second header: it is
# reported, for a person to decide.
#
# Source files: the tracked and new (not ignored) .go, .sh, .tf, .tfvars, .hcl, .yml and
# .yaml files, GNUmakefile and .ci/run, less the ones listed in `exempt` below.
#
# NOTE: this stands in for hashicorp/copywrite, which HashiCorp's providers use. Its check
# counts a file as done when its first 1000 bytes mention "copyright", "Mozilla Public" or an
# SPDX line, so it passed two of our test files that only quote licence names; it picks the
# comment syntax from the extension alone, so it cannot place GNUmakefile or .ci/run; it always
# skips .github/workflows/; and its newest release (v0.25.3) writes the current year into
# headers and rewrites them from the git history, so a check would start failing each January.
set -euo pipefail

holder="The terraform-provider-ufdl authors"
licence="Apache-2.0"

# Path patterns (bash globs, from the top of the repository) of files that get no header.
exempt=(
	# Examples that tfplugindocs prints in docs/ as they are: a header would show in every code
	# sample of the documentation. Examples outside these folders are headed like any source.
	'examples/provider/*' 'examples/resources/*' 'examples/data-sources/*'
	'examples/ephemeral-resources/*' 'examples/list-resources/*' 'examples/actions/*'
	'examples/functions/*' 'examples/guides/*'
	# changie writes and deletes its entries itself.
	'.changes/*'
)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

check=false
case ${1:-} in
--check) check=true ;;
"") ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

is_source() {
	local f=$1 pattern
	case $f in
	*.go | *.sh | *.tf | *.tfvars | *.hcl | *.yml | *.yaml | GNUmakefile | .ci/run) ;;
	*) return 1 ;;
	esac
	for pattern in "${exempt[@]}"; do
		# shellcheck disable=SC2053 # the pattern is meant to match as a glob
		[[ $f == $pattern ]] && return 1
	done
	return 0
}

# state FILE prints "ok" when the header is in place, "generated" for generated Go code (it
# carries its generator's marker instead), "other" when the top of the file already names a
# licence or copyright holder (another one, or ours somewhere else), else "missing".
state() {
	local f=$1 prefix='#'
	[[ $f == *.go ]] && prefix='//'
	awk -v want1="$prefix Copyright (c) $holder" -v want2="$prefix SPDX-License-Identifier: $licence" '
		NR == 1 && /^#!/ { offset = 1; next }
		NR == 1 + offset { first = $0 }
		NR == 2 + offset { second = $0 }
		NR <= 10 && (/SPDX-License-Identifier:/ || /^(#|\/\/)[ \t]*Copyright/) { named = 1 }
		NR <= 5 && /^\/\/ Code generated .* DO NOT EDIT\.$/ { generated = 1 }
		END {
			if (first == want1 && second == want2) print "ok"
			else if (generated) print "generated"
			else if (named) print "other"
			else print "missing"
		}' "$f"
}

# add FILE writes the header at the top of FILE (after its #! line), then a blank line unless
# one follows already.
add() {
	local f=$1 prefix='#' tmp
	[[ $f == *.go ]] && prefix='//'
	tmp=$(mktemp "$f.headers.XXXXXX")
	awk -v h1="$prefix Copyright (c) $holder" -v h2="$prefix SPDX-License-Identifier: $licence" '
		NR == 1 && /^#!/ { print; next }
		!done { print h1; print h2; if ($0 != "") print ""; done = 1 }
		{ print }
		END { if (!done) { print h1; print h2 } }' "$f" >"$tmp"
	chmod --reference="$f" "$tmp"
	mv -f "$tmp" "$f"
}

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "error: headers.sh lists the source files with git: run it in a clone" >&2
	exit 1
fi

checked=0 added=0
missing=() other=()
while IFS= read -r -d '' f; do
	if [[ ! -f $f ]] || ! is_source "$f"; then continue; fi
	checked=$((checked + 1))
	case $(state "$f") in
	ok | generated) ;;
	other) other+=("$f") ;;
	missing)
		if $check; then
			missing+=("$f")
		else
			add "$f"
			added=$((added + 1))
		fi
		;;
	esac
done < <(git ls-files -z --cached --others --exclude-standard)

for f in "${missing[@]}"; do echo "missing licence header: $f"; done
for f in "${other[@]}"; do echo "another licence header (or ours out of place), fix by hand: $f"; done
if $check; then
	echo "licence headers: $checked source files, $((checked - ${#missing[@]} - ${#other[@]})) with the header, ${#missing[@]} without, ${#other[@]} with another"
	if [[ ${#missing[@]} -gt 0 ]]; then
		echo "run 'make headers' and commit the result" >&2
	fi
	[[ ${#missing[@]} -eq 0 && ${#other[@]} -eq 0 ]]
else
	echo "licence headers: $checked source files, added to $added, ${#other[@]} with another header left alone"
	[[ ${#other[@]} -eq 0 ]]
fi
