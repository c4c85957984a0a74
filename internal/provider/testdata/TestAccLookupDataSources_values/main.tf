# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

data "ufdl_framework" "yolo" {
  name    = "yolo"
  version = "v7"
}
data "ufdl_cuda_version" "c111" {
  version = "11.1"
}
data "ufdl_cuda_version" "cpu" {
  version = "0.0"
}
data "ufdl_hardware_generation" "pascal" {
  generation = "Pascal"
}
data "ufdl_licence" "gpl3" {
  name = "GPL3"
}
data "ufdl_licence" "apache" {
  name = "Apache 2.0"
}
data "ufdl_domain" "od" {
  code = "od"
}
data "ufdl_job_contract" "train" {
  name = "Train"
}
