#!/usr/bin/env bash
# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Runs a command (go test ...) with the environment the acceptance tests need here:
#   CHECKPOINT_DISABLE=1   no version-check call home
#   TF_CLI_CONFIG_FILE     an empty file (the machine may export one that does not exist)
# installs Debian's docker-registry for the registry tests when it is missing
# (ensure-docker-registry.sh),
# and the CLI they drive, chosen by UFDL_TEST_CLI:
#   (unset)         TF_ACC_TERRAFORM_PATH if set, else terraform on PATH, else OpenTofu
#   terraform       terraform on PATH
#   tofu            the pinned OpenTofu build (internal/scripts/build-opentofu.sh)
#   terraform-next  the pinned Terraform 1.16.4 build (internal/scripts/build-terraform.sh)
# With UFDL_ACC_EXTERNAL=1 the tests use the server at UFDL_HOST instead of starting one;
# UFDL_HOST, UFDL_USERNAME and UFDL_PASSWORD must then be set.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=internal/scripts/lib.sh
source "$here/lib.sh"

export CHECKPOINT_DISABLE=1
TF_CLI_CONFIG_FILE=$(ufdl_empty_tfrc)
export TF_CLI_CONFIG_FILE
# NOTE: TF_ACC_TERRAFORM_VERSION makes terraform-plugin-testing download a CLI, which
# cannot work offline.
unset TF_ACC_TERRAFORM_VERSION

use_tofu() {
	TF_ACC_TERRAFORM_PATH=$("$here/build-opentofu.sh")
	export TF_ACC_TERRAFORM_PATH TF_ACC_PROVIDER_HOST=registry.opentofu.org
}

case ${UFDL_TEST_CLI:-} in
"")
	if [[ -z ${TF_ACC_TERRAFORM_PATH:-} ]] && ! command -v terraform >/dev/null 2>&1; then
		echo "terraform is not on PATH: the acceptance tests use the pinned OpenTofu build" >&2
		use_tofu
	fi
	;;
terraform)
	TF_ACC_TERRAFORM_PATH=$(command -v terraform) || { echo "error: terraform is not on PATH" >&2; exit 1; }
	export TF_ACC_TERRAFORM_PATH
	unset TF_ACC_PROVIDER_HOST
	;;
tofu) use_tofu ;;
terraform-next)
	TF_ACC_TERRAFORM_PATH=$("$here/build-terraform.sh")
	export TF_ACC_TERRAFORM_PATH
	unset TF_ACC_PROVIDER_HOST
	;;
*)
	echo "error: UFDL_TEST_CLI=$UFDL_TEST_CLI: use terraform, tofu or terraform-next" >&2
	exit 2
	;;
esac

if [[ ${UFDL_ACC_EXTERNAL:-} == 1 ]]; then
	for v in UFDL_HOST UFDL_USERNAME UFDL_PASSWORD; do
		[[ -n ${!v:-} ]] || { echo "error: UFDL_ACC_EXTERNAL=1 needs $v (the server's URL and an admin account)" >&2; exit 2; }
	done
	echo "acceptance tests against the external server $UFDL_HOST" >&2
fi

# The registry tests run Debian's docker-registry; a machine without it gets it here. When
# that fails the tests fail too, naming the script.
"$here/ensure-docker-registry.sh" || echo "warning: docker-registry is not installed; the registry tests will fail" >&2

cli=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform)}
echo "acceptance tests drive: $("$cli" version | head -n1) ($cli)" >&2
exec "$@"
