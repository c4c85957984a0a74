# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Source it; it defines functions only.

# ufdl_cache_dir prints the folder, outside the clone, where pinned CLI builds are kept
# between runs on the same machine. UFDL_TOOLCHAIN_CACHE overrides it.
ufdl_cache_dir() {
	printf '%s\n' "${UFDL_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ufdl}"
}

# ufdl_print_cli BIN prints BIN when it runs. A cached binary that does not (copied from
# another platform, say) is reported, not used.
ufdl_print_cli() {
	if ! "$1" version >/dev/null 2>&1; then
		echo "error: $1 does not run; remove it and try again" >&2
		return 1
	fi
	printf '%s\n' "$1"
}

# ufdl_build_go_cli builds a Go command from the module proxy through a wrapper module.
#   $1 binary path to produce   $2 go.mod text of the wrapper module
#   $3 package to build          $4 its module's version (pinned: never @latest)
#   $5 extra -ldflags
# The wrapper module lives next to the binary so a rebuild reuses its go.sum; the binary is
# written under a temporary name and renamed, so an interrupted build leaves no half binary.
ufdl_build_go_cli() {
	local bin=$1 gomod=$2 pkg=$3 version=$4 ldflags=$5
	local dir
	dir=$(dirname "$bin")
	mkdir -p "$dir/src"
	# One build at a time per binary (two test runs may ask at once); the second one finds the
	# binary built when it gets the lock.
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$dir/.lock"
		flock 9
		[[ -x $bin ]] && return 0
	fi
	rm -f "$bin".tmp.*
	printf '%s\n' "$gomod" >"$dir/src/go.mod"
	rm -f "$dir/src/go.sum"
	(
		cd "$dir/src" || exit 1
		export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
		# go get resolves every dependency of the package into go.sum (no go mod tidy:
		# the wrapper has no Go files of its own).
		go get "$pkg@$version"
		go build -trimpath -ldflags "-s -w $ldflags" -o "$bin.tmp.$$" "$pkg"
	)
	mv -f "$bin.tmp.$$" "$bin"
}

# ufdl_empty_tfrc creates (once) and prints an empty CLI configuration file. Tests and CI
# point TF_CLI_CONFIG_FILE at it: some machines export a TF_CLI_CONFIG_FILE that does not
# exist, and every terraform call then prints a warning.
ufdl_empty_tfrc() {
	local f
	f="$(ufdl_cache_dir)/empty.tfrc"
	[[ -f $f ]] || { mkdir -p "$(dirname "$f")" && : >"$f"; }
	printf '%s\n' "$f"
}

# ufdl_tf_cli prints the Terraform-compatible CLI the scripts drive: $UFDL_TF_CLI when set
# (a path), else `terraform` from PATH, else the pinned OpenTofu build (built on first use).
ufdl_tf_cli() {
	if [[ -n ${UFDL_TF_CLI:-} ]]; then
		printf '%s\n' "$UFDL_TF_CLI"
	elif command -v terraform >/dev/null 2>&1; then
		command -v terraform
	else
		echo "terraform is not on PATH: using the pinned OpenTofu build" >&2
		"$(dirname "${BASH_SOURCE[0]}")/build-opentofu.sh"
	fi
}

# ufdl_cli_by_name prints the path of a CLI named terraform (from PATH), tofu (the pinned
# OpenTofu build) or terraform-next (the pinned Terraform 1.16.4 build), building pinned ones
# on first use; any other value is taken as a path.
ufdl_cli_by_name() {
	local here
	here=$(dirname "${BASH_SOURCE[0]}")
	case $1 in
	terraform) command -v terraform || { echo "error: terraform is not on PATH" >&2; return 1; } ;;
	tofu) "$here/build-opentofu.sh" ;;
	terraform-next) "$here/build-terraform.sh" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# ufdl_dev_overrides_tfrc writes a CLI configuration to $1 that loads the provider from the
# folder $2 without a registry or `terraform init`. Both registry hosts are listed because
# OpenTofu resolves the short source "waikato-ufdl/ufdl" to its own registry.
ufdl_dev_overrides_tfrc() {
	cat >"$1" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/waikato-ufdl/ufdl" = "$2"
    "registry.opentofu.org/waikato-ufdl/ufdl" = "$2"
  }
  direct {}
}
TFRC
}

# ufdl_realbackend_dir prints the folder of the workplace's real UFDL backend scripts
# (UFDL_REALBACKEND, default ../shared/realbackend beside the clone), or fails when there is
# none: users' clones do not have it, and nothing the project ships needs it.
ufdl_realbackend_dir() {
	local root dir
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	dir=${UFDL_REALBACKEND:-$(cd "$root/.." && pwd)/shared/realbackend}
	[[ -x $dir/start.sh ]] && printf '%s\n' "$dir"
}

# ufdl_use_realbackend LABEL [HINT] starts the workplace's real backend for the rest of the
# calling script (stopped when the script exits) and sets UFDL_REALBACKEND_URL. Without a real
# backend it prints "LABEL: skipped" with HINT and exits the script with status 0.
ufdl_use_realbackend() {
	local label=$1 hint=${2:-provide ../shared/realbackend or set UFDL_REALBACKEND}
	if ! UFDL_REALBACKEND_DIR=$(ufdl_realbackend_dir); then
		echo "$label: skipped: no real backend here ($hint)"
		exit 0
	fi
	ufdl_start_realbackend "$UFDL_REALBACKEND_DIR" || exit 1
	trap 'ufdl_stop_realbackend "$UFDL_REALBACKEND_DIR"' EXIT
	echo "$label: started the real backend at $UFDL_REALBACKEND_URL"
}

# ufdl_start_realbackend DIR sets the backend up when needed, starts it on a free loopback
# port, and sets UFDL_REALBACKEND_URL and UFDL_REALBACKEND_PORT (call it directly, not in
# $(...): ufdl_stop_realbackend DIR needs the port to stop it again).
ufdl_start_realbackend() {
	local dir=$1 home=${UFDL_HOME:-/tmp/ufdl-realbackend} port candidate
	if [[ ! -f $home/setup.done ]]; then
		echo "real backend: setting it up ($dir/setup.sh)" >&2
		"$dir/setup.sh" >&2
	fi
	for candidate in $(seq $((20000 + $$ % 5000)) $((20100 + $$ % 5000))); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			port=$candidate
			break
		fi
	done
	[[ -n ${port:-} ]] || { echo "real backend: no free loopback port found" >&2; return 1; }
	"$dir/start.sh" "$port" >&2
	UFDL_REALBACKEND_PORT=$port
	UFDL_REALBACKEND_URL=http://127.0.0.1:$port
}

ufdl_stop_realbackend() {
	[[ -n ${UFDL_REALBACKEND_PORT:-} ]] && "$1/stop.sh" "$UFDL_REALBACKEND_PORT" >/dev/null 2>&1
	return 0
}
