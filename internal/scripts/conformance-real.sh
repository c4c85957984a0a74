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

realbackend=${UFDL_REALBACKEND:-$(cd .. && pwd)/shared/realbackend}
if [[ ! -x $realbackend/start.sh ]]; then
	echo "conformance: skipped: no real backend (set UFDL_HOST, or provide $realbackend)"
	exit 0
fi

home=${UFDL_HOME:-/tmp/ufdl-realbackend}
if [[ ! -f $home/setup.done ]]; then
	echo "conformance: setting up the real backend ($realbackend/setup.sh)"
	"$realbackend/setup.sh"
fi

# A loopback port nobody listens on.
port=
for candidate in $(seq $((20000 + $$ % 5000)) $((20100 + $$ % 5000))); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
		port=$candidate
		break
	fi
done
[[ -n $port ]] || { echo "conformance: no free loopback port found" >&2; exit 1; }

stop() { "$realbackend/stop.sh" "$port" >/dev/null || true; }
trap stop EXIT
started=$("$realbackend/start.sh" "$port")
echo "conformance: started the real backend ($started)"
UFDL_HOST=http://127.0.0.1:$port check "$@"
