#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

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
ufdl_use_realbackend conformance "set UFDL_HOST, or provide ../shared/realbackend"
UFDL_HOST=$UFDL_REALBACKEND_URL check "$@"
