# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Stop managing the catalog without deleting any image: this file takes the place of
# main.tf. The next apply forgets every image; the server keeps them all.

terraform {
  # removed blocks with lifecycle
  required_version = ">= 1.7"
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

removed {
  from = ufdl_dockerimage.catalog

  lifecycle {
    destroy = false
  }
}
