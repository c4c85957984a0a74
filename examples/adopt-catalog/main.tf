# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Manage a UFDL deployment's catalog as its own files describe it: one JSON file per image,
# in the backend's format (the files its data migration loads). Images the server already
# holds are adopted with import blocks, by name and version; the others are created. Edit a
# file, and the next plan shows that one change.

terraform {
  # import blocks with for_each
  required_version = ">= 1.7"
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

# Host and credentials from UFDL_HOST, UFDL_USERNAME and UFDL_PASSWORD.
provider "ufdl" {}

variable "catalog_dir" {
  description = "Folder of catalog files in the UFDL backend's format, one *.json file per image."
  type        = string
}

variable "registry_passwords" {
  description = "Registry passwords by image (\"name:version\"), for files that should not carry them; an image not listed here takes the password of its file."
  type        = map(string)
  sensitive   = true
  default     = {}
}

locals {
  # Keyed by "name:version", unique on the server and the import ID of each image.
  files  = [for f in fileset(var.catalog_dir, "*.json") : jsondecode(file("${var.catalog_dir}/${f}"))]
  images = { for img in local.files : "${img.name}:${img.version}" => img }

  # What the server holds now, to adopt rather than create.
  existing = toset([for img in data.ufdl_dockerimages.all.images : "${img.name}:${img.version}"])
}

data "ufdl_dockerimages" "all" {}

import {
  for_each = { for key, img in local.images : key => img if contains(local.existing, key) }
  to       = ufdl_dockerimage.catalog[each.key]
  id       = each.key
}

resource "ufdl_dockerimage" "catalog" {
  for_each = local.images

  name         = each.value.name
  version      = each.value.version
  url          = each.value.url
  registry_url = each.value.registry.url
  # An empty user in a file means the registry needs no login.
  registry_username = try(each.value.registry.user, "") == "" ? null : each.value.registry.user
  registry_password = try(each.value.registry.user, "") == "" ? null : sensitive(lookup(var.registry_passwords, each.key, try(each.value.registry.password, null)))
  cuda_version      = each.value.cuda_version
  framework_name    = each.value.framework.name
  framework_version = each.value.framework.version
  domain            = each.value.domain
  tasks             = each.value.tasks
  cpu               = each.value.cpu
  licence           = each.value.license

  # The files write "" for a CPU image without a minimum generation.
  min_hardware_generation = each.value.min_hardware_generation == "" ? null : each.value.min_hardware_generation
}

output "adopted_or_managed" {
  description = "Every catalog image this configuration manages, by name:version, with its primary key."
  value       = { for key, img in ufdl_dockerimage.catalog : key => img.pk }
}
