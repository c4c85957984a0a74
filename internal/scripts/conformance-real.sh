#!/usr/bin/env bash
# Checks the conformance corpus's recorded answers (internal/conformance/corpus) and the
# reference server's seed against a real UFDL backend, and prints one summary line each.
#   internal/scripts/conformance-real.sh [ufdl-conformance check flags]
# Which backend:
#   UFDL_HOST set        that one (credentials UFDL_ADMIN_USER/UFDL_ADMIN_PASSWORD and
#                        UFDL_USER/UFDL_USER_PASSWORD, default admin/admin and user/user)
#   else                 the local real backend of the workplace, when its scripts are there
#                        (UFDL_REALBACKEND, default ../shared/realbackend beside the clone):
#                        set up if needed, started on a free loopback port, stopped after
#   else                 says so and succeeds: nothing to check against
# It takes about a minute (the backend is serial); -wait-expired adds up to five minutes for
# the cases that need an expired token.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

check() { go run ./internal/conformance/cmd/ufdl-conformance check "$@"; }

if [[ -n ${UFDL_HOST:-} ]]; then
	echo "conformance: checking against UFDL_HOST=$UFDL_HOST"
	check "$@"
	exit
fi

# shellcheck source=internal/scripts/lib.sh
source internal/scripts/lib.sh
if ! realbackend=$(ufdl_realbackend_dir); then
	echo "conformance: skipped: no real backend (set UFDL_HOST, or provide ../shared/realbackend)"
	exit 0
fi
url=$(ufdl_start_realbackend "$realbackend")
trap 'ufdl_stop_realbackend "$realbackend"' EXIT
echo "conformance: started the real backend at $url"
UFDL_HOST=$url check "$@"
