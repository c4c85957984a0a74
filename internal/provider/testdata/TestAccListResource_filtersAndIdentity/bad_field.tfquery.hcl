# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

list "ufdl_dockerimage" "bad" {
  provider = ufdl
  config {
    filter {
      exact {
        field = "colour"
        value = "red"
      }
    }
  }
}
