# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# A hardware generation and var.n GPU images that need it: the configuration of the fault
# tests that write a catalog row and images, against the reference server and the real
# backend alike. The generation's range lies far above any real GPU's compute capability, so
# that it changes nothing for other users of a shared server.
terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}

variable "prefix" { type = string }
variable "framework" { type = number }
variable "n" {
  type    = number
  default = 2
}
variable "url_tag" {
  type    = string
  default = "v1"
}
variable "max_compute_capability" {
  type    = number
  default = 901
}
variable "registry_username" {
  type    = string
  default = null
}
variable "registry_password" {
  type    = string
  default = null
}

provider "ufdl" {}

resource "ufdl_hardware_generation" "hw" {
  generation             = "${var.prefix}-hw"
  min_compute_capability = 900
  max_compute_capability = var.max_compute_capability
}

resource "ufdl_dockerimage" "img" {
  count                   = var.n
  name                    = "${var.prefix}-${count.index}"
  version                 = "v1"
  url                     = "registry.example.com:443/team/img-${count.index}:${var.url_tag}"
  registry_url            = "registry.example.com:443"
  registry_username       = var.registry_username
  registry_password       = var.registry_password
  cuda_version            = "11.1"
  framework               = var.framework
  domain                  = "od"
  tasks                   = ["Train", "Predict"]
  min_hardware_generation = ufdl_hardware_generation.hw.generation
  licence                 = "MIT"
}
