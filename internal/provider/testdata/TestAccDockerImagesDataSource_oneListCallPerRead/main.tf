# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}

provider "ufdl" {}

variable "tf_objdet_image" {
  type = number
}

data "ufdl_dockerimages" "gpu_od_trainers" {
  domain = "od"
  cpu    = false
  task   = "Train"
  filter {
    or {
      compare {
        field    = "cuda_version__version"
        operator = ">="
        value    = "11.0"
      }
      exact {
        field = "min_hardware_generation__generation"
        value = "Turing"
      }
    }
  }
  order_by {
    field     = "version"
    ascending = false
  }
}

data "ufdl_dockerimage" "by_pk" {
  pk = var.tf_objdet_image
}

output "images" {
  value = [for img in data.ufdl_dockerimages.gpu_od_trainers.images : "${img.name}:${img.version}"]
}

output "tasks" {
  value = data.ufdl_dockerimage.by_pk.tasks
}
