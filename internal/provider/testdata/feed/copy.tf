# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Copies an image read by name, finding its framework with ufdl_framework.
variable "copy_name" {
  type = string
}
data "ufdl_framework" "yolo" {
  name    = "yolo"
  version = "v7"
}
data "ufdl_dockerimage" "src" {
  name                    = "yolo"
  version                 = "v7_2022-10-08_cuda11.1"
  read_registry_passwords = true
}
resource "ufdl_dockerimage" "copy" {
  name                    = var.copy_name
  version                 = data.ufdl_dockerimage.src.version
  url                     = data.ufdl_dockerimage.src.url
  registry_url            = data.ufdl_dockerimage.src.registry_url
  registry_username       = data.ufdl_dockerimage.src.registry_username
  registry_password       = data.ufdl_dockerimage.src.registry_password
  cuda_version            = data.ufdl_dockerimage.src.cuda_version
  framework               = data.ufdl_framework.yolo.pk
  domain                  = data.ufdl_dockerimage.src.domain
  tasks                   = data.ufdl_dockerimage.src.tasks
  min_hardware_generation = data.ufdl_dockerimage.src.min_hardware_generation
  cpu                     = data.ufdl_dockerimage.src.cpu
  licence                 = data.ufdl_dockerimage.src.licence
}
