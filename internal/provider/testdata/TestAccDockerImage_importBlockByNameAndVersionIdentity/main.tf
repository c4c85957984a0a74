# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Adopts an image made outside Terraform with an identity that names it; name and framework
# come from TF_VAR_ variables.
terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}

variable "name" { type = string }
variable "framework" { type = number }

provider "ufdl" {}

import {
  to       = ufdl_dockerimage.adopted
  identity = { name = var.name, version = "v1" }
}

resource "ufdl_dockerimage" "adopted" {
  name                    = var.name
  version                 = "v1"
  url                     = "r.example.com/x:1"
  registry_url            = "r.example.com"
  cuda_version            = "11.1"
  framework               = var.framework
  domain                  = "od"
  tasks                   = ["Train"]
  min_hardware_generation = "Pascal"
  licence                 = "MIT"
}
