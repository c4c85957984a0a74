#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# CI's real-backend stage: when the workplace's real UFDL backend is there
# (../shared/realbackend), sets it up, starts it on a free loopback port, checks the
# conformance corpus's recordings against it, runs the acceptance suite against it
# (make test-external, through the suite's proxy, which also injects the faults of the fault
# tests; with the pinned Terraform 1.16 when it is built), fails when a fault test did not pass,
# prints what passed, failed and was skipped (with the reasons), and stops it. Without it, says so and succeeds:
# users' clones do not have it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=internal/scripts/lib.sh
source internal/scripts/lib.sh

ufdl_use_realbackend "real backend"
url=$UFDL_REALBACKEND_URL

rc=0
UFDL_HOST=$url internal/scripts/conformance-real.sh || rc=1

# The newest pinned Terraform, when CI's terraform-next stage has built it, also runs the tests
# that need identity import (1.12) and terraform query (1.14); otherwise the CLI on PATH does.
if [[ -z ${UFDL_TEST_CLI:-} && -x $(internal/scripts/build-terraform.sh --path) ]]; then
	export UFDL_TEST_CLI=terraform-next
fi

log=$(mktemp "${TMPDIR:-/tmp}/ufdl-external.XXXXXX")
UFDL_HOST=$url UFDL_USERNAME=${UFDL_ADMIN_USER:-admin} UFDL_PASSWORD=${UFDL_ADMIN_PASSWORD:-admin} \
	UFDL_ACC_USER=${UFDL_USER:-user} UFDL_ACC_USER_PASSWORD=${UFDL_USER_PASSWORD:-user} \
	make test-external TESTARGS=-v >"$log" 2>&1 || rc=1
# Every top-level test's verdict, and each skip's reason (the line t.Skip wrote before it).
awk '
	/^=== RUN/ { next }
	/^    [a-z_]+_test\.go:[0-9]+: / { reason[$0] = 1; last = $0; next }
	/^--- PASS: Test/ { pass++ }
	/^--- FAIL: Test/ { fail++; failed = failed "\n  " $3 }
	/^--- SKIP: Test/ { skip++; sub(/^ +/, "", last); skipped = skipped "\n  " $3 ": " last }
	{ last = "" }
	END {
		printf "real backend: acceptance suite: %d passed, %d failed, %d skipped\n", pass, fail, skip
		if (failed != "") printf "failed:%s\n", failed
		if (skipped != "") printf "skipped, with the reasons:%s\n", skipped
	}' "$log"
# The fault tests exist for this stage: they inject their faults through the suite's proxy,
# so a skip here means they proved nothing against the real backend.
for name in TestAccProxyFaults_lostAnswersOfEveryWrite TestAccProxyFaults_outageRightAfterCreate \
	TestAccInterruptAtEachStepOfImageDestroy TestAccDockerImage_renameIntoKeyTakenAtApply \
	TestAccFramework_renameIntoKeyTakenAtApply; do
	if ! grep -q "^--- PASS: $name " "$log"; then
		echo "real backend: $name did not pass (failed, skipped or missing)"
		rc=1
	fi
done
if [[ $rc -ne 0 ]]; then
	echo "real backend: the last lines of the suite's output ($log):"
	tail -n 60 "$log"
fi
exit $rc
