#!/usr/bin/env bash
# A short tour of the provider (`make demo`): it builds the provider and the reference server,
# applies examples/demo/ against the server, shows that a second plan is empty, changes an
# image behind Terraform's back and shows the plan that detects it, then destroys everything.
# No registry, no `terraform init`, nothing left running or behind, even when interrupted.
#
# Needs go, curl and terraform (or OpenTofu: without terraform on PATH the pinned OpenTofu
# build is used; UFDL_TF_CLI=/path/to/cli picks another).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=internal/scripts/lib.sh
source "$root/internal/scripts/lib.sh"

tmp=""
server_pid=""
cleanup() {
	local rc=$?
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
n=0
step() {
	n=$((n + 1))
	printf '\n%s==> %d. %s%s\n    %s\n\n' "$bold" "$n" "$1" "$plain" "$2"
}
die() {
	echo "error: $*" >&2
	exit 1
}

command -v go >/dev/null || die "go is not on PATH"
command -v curl >/dev/null || die "curl is not on PATH (the demo uses it to change an image behind Terraform's back)"
tf=$(ufdl_tf_cli)
tfname=$(basename "$tf")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ufdl-demo.XXXXXX")
mkdir -p "$tmp/bin" "$tmp/work"

step "Build the provider and the reference server" \
	"go build: the provider binary is loaded through dev_overrides, so no registry and no init."
(cd "$root" && go build -ldflags "-X main.version=demo" -o "$tmp/bin/terraform-provider-ufdl" .)
(cd "$root" && go build -o "$tmp/ufdl-refserver" ./internal/refserver/cmd/ufdl-refserver)
echo "    built into $tmp"

step "Start the reference server" \
	"An in-memory UFDL backend with the real lookup tables, on a free loopback port."
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
"$tmp/ufdl-refserver" -listen 127.0.0.1:0 -url-file "$tmp/url" -admin-password "$password" \
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
	"Creates the three images of examples/demo/main.tf on the server at UFDL_HOST=$url."
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
new_url="public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1-hotfix"
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
	"Deletes the images; each delete is read back to make sure the server really removed it."
# The destroy plan repeats every attribute; the tour shows only the progress lines.
"$tf" destroy -auto-approve -compact-warnings -no-color | grep -E 'Destroying|Destruction complete|Destroy complete'

step "Stop the server and clean up" \
	"The server held everything in memory; the temporary folder goes with it."
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "    done: the provider created, checked, saw drift in and destroyed three images"
