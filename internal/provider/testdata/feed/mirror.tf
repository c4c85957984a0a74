# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Mirrors every GPU yolo image with for_each, keyed by version (for_each keys must not be
# sensitive; the registry password is).
variable "mirror_name" {
  type = string
}
data "ufdl_dockerimages" "yolo_gpu" {
  name                    = "yolo"
  cpu                     = false
  read_registry_passwords = true
}
resource "ufdl_dockerimage" "mirror" {
  for_each = { for img in data.ufdl_dockerimages.yolo_gpu.images : img.version => img }

  name                    = var.mirror_name
  version                 = each.key
  url                     = each.value.url
  registry_url            = each.value.registry_url
  registry_username       = each.value.registry_username
  registry_password       = each.value.registry_password
  cuda_version            = each.value.cuda_version
  framework               = each.value.framework
  domain                  = each.value.domain
  tasks                   = each.value.tasks
  min_hardware_generation = each.value.min_hardware_generation
  cpu                     = each.value.cpu
  licence                 = each.value.licence
}
