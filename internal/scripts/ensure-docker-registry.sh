#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Makes sure Debian's docker-registry (distribution 2.8) is installed: the registry tests
# (internal/registry, internal/provider) start it on loopback ports themselves. Installs the
# package with apt when it is missing and this runs as root; the package's own service is
# never started. Exits non-zero, saying what to do, when it cannot install.
set -euo pipefail
bin=/usr/bin/docker-registry
[[ -x $bin ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "error: $bin is missing; as root run: apt-get install -y --no-install-recommends docker-registry" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "error: $bin is missing and this machine has no apt-get: install distribution 2.8 (Debian's docker-registry) as $bin" >&2
	exit 1
fi
echo "installing Debian's docker-registry for the registry tests (about 30 s)" >&2
export DEBIAN_FRONTEND=noninteractive
# The package list may be missing or stale on a fresh machine.
apt-get install -y --no-install-recommends docker-registry >/dev/null 2>&1 ||
	{ apt-get update -qq && apt-get install -y --no-install-recommends docker-registry >/dev/null; }
# The package enables a service on :5000 for every interface; the tests need none of it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
	systemctl stop docker-registry || true
fi
[[ -x $bin ]] || { echo "error: installing docker-registry did not provide $bin" >&2; exit 1; }
