#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# The benchmark figures (`make bench`), in one run:
#   1. Go benchmarks of the reference server and the API client (go test -bench);
#   2. apply / plan / update / destroy of N = 100 and N = 1000 images with the real terraform
#      CLI, next to terraform_data with the same attributes: wall time, API calls per image
#      and per process, server latency, provider and terraform peak memory;
#   3. ten terraform processes at once, each with its own state of 100 images, against one
#      reference server: all must succeed without cross-talk; server latency p50/p95/p99;
#   4. the registry check: a plan of 500 new images over 5 repositories of an in-process
#      registry (Bearer token flow, 20 ms per request), with registry_check off and on:
#      wall time and registry calls;
#   5. the adoption plan of the whole seed catalog (examples/adopt-deployment: 62 rows of the
#      five tables and 23 images, all imported by natural key) on the reference server's
#      ufdl-backend profile at 40 ms per request, serial: wall time and API calls by route.
# A benchmark, not a test: nothing here fails on a slow machine, only on a wrong result.
#
#   internal/scripts/bench.sh [ufdl-bench flags]     e.g. -n 100 -baseline=false, -latency 20ms
# The flags go to the ufdl-bench runs of parts 2 and 3 (its doc comment lists them all). Environment:
#   BENCH_GO=0            skip the go test benchmarks
#   BENCH_CONCURRENT=K    processes of part 3 (default 10; 0 skips it; -host and -compare skip it)
#   BENCH_REGISTRY=N      images of part 4 (default 500; 0 skips it)
#   BENCH_ADOPT=0         skip part 5; BENCH_ADOPT_ARGS its ufdl-bench flags (default
#                         "-profile ufdl-backend -latency 40ms -serial"; e.g. "-host URL" for a
#                         real deployment, which the plan only reads, or add "-compare REV")
#   UFDL_TF_CLI=/path     the CLI to drive (default: terraform on PATH, else the pinned OpenTofu)
#
# The performance check: each phase's wall time and API calls per image at N = 50 and 500, next
# to the same run of the previous main (here bca97f4) and terraform_data, against the reference
# server made as slow and serial as the real backend, and against a real backend (the admin's
# credentials in UFDL_USERNAME / UFDL_PASSWORD; the run's images are removed at the end):
#   BENCH_GO=0 BENCH_REGISTRY=0 make bench BENCHARGS='-n 50,500 -latency 40ms -serial -compare bca97f4'
# (add -profile ufdl-backend for the real backend's quirks too: its destroy pattern, PATCH of the
# tasks and a second DELETE, is then reproduced call for call)
#   UFDL_USERNAME=admin UFDL_PASSWORD=admin BENCH_GO=0 BENCH_REGISTRY=0 \
#     make bench BENCHARGS='-host http://127.0.0.1:8767 -n 50,500 -compare bca97f4'
# or without make, the same flags: go run ./internal/bench/cmd/ufdl-bench -n 50 -compare bca97f4 ...
# A local real backend: ../shared/realbackend/start.sh 8767 (admin/admin), stop.sh 8767 after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=internal/scripts/lib.sh
source "$root/internal/scripts/lib.sh"
cd "$root"

export CHECKPOINT_DISABLE=1
# Each workspace gets its own CLI configuration; this one only keeps a machine-wide
# TF_CLI_CONFIG_FILE that does not exist from producing warnings.
TF_CLI_CONFIG_FILE=$(ufdl_empty_tfrc)
export TF_CLI_CONFIG_FILE
cli=$(ufdl_tf_cli)

if [[ ${BENCH_GO:-1} != 0 ]]; then
	echo "=== go test benchmarks"
	go test -count=1 -run='^$' -bench=. -benchmem -timeout 30m ./...
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/ufdl-bench" ./internal/bench/cmd/ufdl-bench

echo "=== terraform apply / plan / update / destroy"
"$bin/ufdl-bench" -terraform "$cli" "$@"

concurrent=${BENCH_CONCURRENT:-10}
for arg in "$@"; do
	case $arg in -host | -host=* | --host | --host=* | -compare | -compare=* | --compare | --compare=*) concurrent=0 ;; esac
done
if [[ $concurrent != 0 ]]; then
	echo "=== $concurrent concurrent terraform processes"
	"$bin/ufdl-bench" -terraform "$cli" -concurrent "$concurrent" "$@"
fi

registry=${BENCH_REGISTRY:-500}
if [[ $registry != 0 ]]; then
	echo "=== registry check: plan of $registry images, check off and on"
	"$bin/ufdl-bench" -terraform "$cli" -registry-check "$registry"
fi

if [[ ${BENCH_ADOPT:-1} != 0 ]]; then
	echo "=== adoption plan of the seed catalog"
	read -r -a adopt_args <<<"${BENCH_ADOPT_ARGS:--profile ufdl-backend -latency 40ms -serial}"
	"$bin/ufdl-bench" -terraform "$cli" -adopt "${adopt_args[@]}"
fi
