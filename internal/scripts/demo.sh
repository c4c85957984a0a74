#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# A short tour of the provider (`make demo`): it builds the provider and the reference server,
# starts the server with the sample catalog (as `make refserver` does), applies examples/demo/
# against it, shows that a second plan is empty, changes an image behind Terraform's back and
# shows the plan that detects it, then destroys what it created. No registry, no
# `terraform init`, nothing left running or behind, even when interrupted.
#
# The first run on a machine downloads the Go modules and compiles them, which takes minutes:
# the script says so up front and prints the build's progress every 10 seconds.
#
# Needs go, curl and terraform (or OpenTofu: without terraform on PATH the pinned OpenTofu
# build is used; UFDL_TF_CLI=/path/to/cli picks another).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=internal/scripts/lib.sh
source "$root/internal/scripts/lib.sh"

tmp=""
server_pid=""
progress_pid=""
cleanup() {
	local rc=$?
	if [[ -n $progress_pid ]]; then
		kill "$progress_pid" 2>/dev/null || true
		wait "$progress_pid" 2>/dev/null || true
	fi
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ $rc -ne 0 && -n $tmp && -s $tmp/server.log ]]; then
		echo "--- last lines of the reference server's log" >&2
		tail -n 20 "$tmp/server.log" >&2
	fi
	[[ -n $tmp ]] && rm -rf "$tmp"
	if [[ $rc -ne 0 ]]; then
		echo "demo failed (exit $rc); the server is stopped and its temporary files removed" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Colour only on a terminal; terraform is told the same.
bold="" plain="" color=(-no-color)
if [[ -t 1 ]]; then
	bold=$'\033[1m' plain=$'\033[0m' color=()
fi
# elapsed prints the time since the script started, as m:ss.
elapsed() {
	printf '%d:%02d' $((SECONDS / 60)) $((SECONDS % 60))
}
n=0
step() {
	n=$((n + 1))
	printf '\n%s==> %d. %s%s  [%s]\n    %s\n\n' "$bold" "$n" "$1" "$plain" "$(elapsed)" "$2"
}
die() {
	echo "error: $*" >&2
	exit 1
}

echo "make demo: a tour of the provider against a reference server on this machine."
echo "The first run downloads Go modules and compiles the provider and the server: about"
echo "3 minutes on an idle 2-core machine, longer on a busy one, with a progress line every"
echo "10 seconds. Later runs take about half a minute."

command -v go >/dev/null || die "go is not on PATH"
command -v curl >/dev/null || die "curl is not on PATH (the demo uses it to change an image behind Terraform's back)"
tf=$(ufdl_tf_cli)
tfname=$(basename "$tf")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ufdl-demo.XXXXXX")
mkdir -p "$tmp/bin" "$tmp/work" "$tmp/go"
# go build's own work folders go here too, so that an interrupted build leaves none behind.
export GOTMPDIR=$tmp/go

# progress LOG prints, every 10 seconds, how far the go commands writing LOG have got: each
# names the modules it downloads, and go build -v each package it compiles (only those the
# build cache lacks). $tmp/todo holds how many that is once it is known.
progress() {
	local log=$1 downloaded compiled todo
	while sleep 10; do
		downloaded=$(grep -c '^go: downloading' "$log" || true)
		compiled=$(grep -vc '^go: ' "$log" || true)
		todo=$(cat "$tmp/todo" 2>/dev/null || echo '?')
		printf '    [%s] building... modules downloaded: %d, packages compiled: %d of %s\n' \
			"$(elapsed)" "$downloaded" "$compiled" "$todo"
	done
}

# go_logged ARGS... runs go ARGS in the repository with its messages appended to
# $tmp/build.log; on failure it shows them (less the download lines) and stops the demo.
go_logged() {
	local rc=0
	(cd "$root" && go "$@") 2>>"$tmp/build.log" || rc=$?
	if [[ $rc -ne 0 ]]; then
		grep -v '^go: downloading' "$tmp/build.log" >&2 || true
		die "go $1 failed (exit $rc)"
	fi
}

step "Build the provider and the reference server" \
	"go build: the provider binary is loaded through dev_overrides, so no registry and no init."
: >"$tmp/build.log"
progress "$tmp/build.log" &
progress_pid=$!
refserver_pkg=./internal/refserver/cmd/ufdl-refserver
# The packages the build cache lacks, so that the progress lines can say "N of M".
go_logged list -deps -f '{{if .Stale}}{{.ImportPath}}{{end}}' . "$refserver_pkg" >"$tmp/stale"
grep -c . "$tmp/stale" >"$tmp/todo" || true
echo "    [$(elapsed)] $(<"$tmp/todo") packages to compile"
go_logged build -v -ldflags "-X main.version=demo" -o "$tmp/bin/terraform-provider-ufdl" .
echo "    [$(elapsed)] built terraform-provider-ufdl"
go_logged build -v -o "$tmp/ufdl-refserver" "$refserver_pkg"
echo "    [$(elapsed)] built ufdl-refserver"
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
progress_pid=""

step "Start the reference server" \
	"An in-memory UFDL backend holding what \`make refserver\` serves: the real lookup tables and 23 images."
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
"$tmp/ufdl-refserver" -samples -listen 127.0.0.1:0 -url-file "$tmp/url" -admin-password "$password" \
	>"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
	[[ -s $tmp/url ]] && break
	kill -0 "$server_pid" 2>/dev/null || die "the reference server exited at start"
	sleep 0.1
done
[[ -s $tmp/url ]] || die "the reference server did not report its URL within 10 seconds"
url=$(<"$tmp/url")
url=${url%%[[:space:]]*}
echo "    listening on $url (admin password generated for this run)"

# Everything Terraform needs comes from the environment: no credentials in the files.
ufdl_dev_overrides_tfrc "$tmp/cli.tfrc" "$tmp/bin"
export TF_CLI_CONFIG_FILE=$tmp/cli.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export UFDL_HOST=$url UFDL_USERNAME=admin UFDL_PASSWORD=$password
cp "$root"/examples/demo/*.tf "$tmp/work/"
cd "$tmp/work"

# expect_plan CODE WHY WHAT runs a plan and dies unless -detailed-exitcode gives CODE.
expect_plan() {
	local rc=0
	"$tf" plan -detailed-exitcode -compact-warnings "${color[@]}" || rc=$?
	[[ $rc -eq $1 ]] || die "$2 (exit $1), got exit $rc"
	echo "    plan exit code $1: $3"
}

step "$tfname apply" \
	"Creates the three images of examples/demo/main.tf beside the 23 the server at UFDL_HOST=$url holds."
"$tf" apply -auto-approve -compact-warnings "${color[@]}"

step "$tfname plan (expect no changes)" \
	"Reads every image back: the server's answers map onto the configuration exactly."
expect_plan 0 "the plan after apply should be empty" "nothing to do"

step "Change an image behind Terraform's back" \
	"Someone re-tags the YOLOv7 image through the API (curl: obtain a token, PATCH /v1/docker/{pk})."
pks=$("$tf" output -json image_pks)
pk=$(printf '%s' "$pks" | tr -d ' \n' | sed -n 's/.*"yolo_v7":\([0-9][0-9]*\).*/\1/p')
[[ -n $pk ]] || die "could not read the pk of yolo_v7 from: $pks"
token=$(curl -fsS -X POST -H 'Content-Type: application/json' \
	-d "{\"username\": \"admin\", \"password\": \"$password\"}" "$url/v1/auth/obtain" |
	sed -n 's/.*"access" *: *"\([^"]*\)".*/\1/p')
[[ -n $token ]] || die "no access token from $url/v1/auth/obtain"
new_url="registry.example.com/ml/pytorch-yolov7:2023-05-12_cuda11.6-hotfix"
echo "    PATCH $url/v1/docker/$pk  {\"url\": \"$new_url\"}"
status=$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH \
	-H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d "{\"url\": \"$new_url\"}" "$url/v1/docker/$pk")
[[ $status == 200 ]] || die "PATCH /v1/docker/$pk answered $status"
echo "    -> 200 OK"

step "$tfname plan (expect drift)" \
	"The plan finds the changed url and proposes to set it back (exit code 2 = changes)."
expect_plan 2 "the plan should detect the drift" "drift detected"

step "$tfname destroy" \
	"Deletes the three images; each delete is read back to make sure the server really removed it."
# The destroy plan repeats every attribute; the tour shows only the progress lines.
"$tf" destroy -auto-approve -compact-warnings -no-color | grep -E 'Destroying|Destruction complete|Destroy complete'

step "Stop the server and clean up" \
	"The server held everything in memory; the temporary folder goes with it."
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "    [$(elapsed)] done: the provider created, checked, saw drift in and destroyed three images"
