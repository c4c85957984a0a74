# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

list "ufdl_dockerimage" "yolo_gpu" {
  provider = ufdl
  config {
    cpu = false
    filter {
      contains {
        field            = "name"
        sub_string       = "YOLO"
        case_insensitive = true
      }
    }
    order_by {
      field     = "version"
      ascending = false
    }
  }
}
