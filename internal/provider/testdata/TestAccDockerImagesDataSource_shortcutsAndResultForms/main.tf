# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Frameworks by pk: pks differ between servers, so the test passes them in.
variable "yolact_framework" {
  type = number
}
variable "yolo_v5_framework" {
  type = number
}

data "ufdl_dockerimages" "yolo" {
  name                    = "yolo"
  read_registry_passwords = true
}
data "ufdl_dockerimages" "yolact" {
  domain    = "od"
  cpu       = false
  framework = var.yolact_framework
  task      = "Train"
  licence   = "MIT"
}
data "ufdl_dockerimages" "yolo_v5" {
  framework = var.yolo_v5_framework
}
data "ufdl_dockerimages" "objdet" {
  version = "1.14.0_2019-08-31"
}
data "ufdl_dockerimages" "yolo_cpu_v7" {
  name    = "yolo_cpu"
  version = "v7_2022-10-08-05_cpu"
}
data "ufdl_dockerimages" "all" {}
