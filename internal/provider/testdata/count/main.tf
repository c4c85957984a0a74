# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# var.n images made with count, whose url tag is var.url_tag: the configuration of the
# fault, interrupt and batched-refresh tests, which drive the CLI themselves. Provider
# settings come from the environment so that each run can change them; the rest from TF_VAR_
# variables. registry_password is deliberately not a sensitive variable: the attribute alone
# must keep it out of every output.
terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}

variable "prefix" { type = string }
variable "framework" { type = number }
variable "n" {
  type    = number
  default = 1
}
variable "url_tag" {
  type    = string
  default = "v1"
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
  min_hardware_generation = "Pascal"
  licence                 = "MIT"
}
