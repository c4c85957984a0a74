# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Manage a whole UFDL deployment as code, from the files that seeded it: the five catalog
# tables (frameworks, CUDA versions, hardware generations, licences with their lists, job
# contracts) and one JSON file per docker image. Every row is adopted with an import block by
# its natural key, so are the images the server holds; the images refer to the rows through
# these resources. The first plan imports everything and changes nothing.

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

variable "seed_dir" {
  description = "Folder of the deployment's seed: frameworks.json, cuda.json, hardware.json, licences.json and job-contracts.json (each a list of rows as the API lists them), and docker_images/ (one file per image, in the UFDL backend's format)."
  type        = string
}

variable "registry_passwords" {
  description = "Registry passwords of the images this configuration creates, by \"name:version\". An image the server holds keeps its own password: an import never reads it, and no password is set for it here."
  type        = map(string)
  sensitive   = true
  default     = {}
}

locals {
  frameworks = { for f in jsondecode(file("${var.seed_dir}/frameworks.json")) : "${f.name}:${f.version}" => f }
  cuda       = { for c in jsondecode(file("${var.seed_dir}/cuda.json")) : c.version => c }
  hardware   = { for h in jsondecode(file("${var.seed_dir}/hardware.json")) : h.generation => h }
  licences   = { for l in jsondecode(file("${var.seed_dir}/licences.json")) : l.name => l }
  contracts  = { for j in jsondecode(file("${var.seed_dir}/job-contracts.json")) : j.name => j }

  image_files = [for f in fileset("${var.seed_dir}/docker_images", "*.json") : jsondecode(file("${var.seed_dir}/docker_images/${f}"))]
  images      = { for img in local.image_files : "${img.name}:${img.version}" => img }

  # The images the server holds now, to adopt rather than create.
  existing_images = toset([for img in data.ufdl_dockerimages.all.images : "${img.name}:${img.version}"])
}

data "ufdl_dockerimages" "all" {}

# The tables: every row is adopted by its natural key (the key of each map above).

import {
  for_each = local.frameworks
  to       = ufdl_framework.catalog[each.key]
  id       = each.key
}

resource "ufdl_framework" "catalog" {
  for_each = local.frameworks

  name    = each.value.name
  version = each.value.version
}

import {
  for_each = local.cuda
  to       = ufdl_cuda_version.catalog[each.key]
  id       = each.key
}

resource "ufdl_cuda_version" "catalog" {
  for_each = local.cuda

  version            = each.value.version
  full_version       = each.value.full_version
  min_driver_version = each.value.min_driver_version
}

import {
  for_each = local.hardware
  to       = ufdl_hardware_generation.catalog[each.key]
  id       = each.key
}

resource "ufdl_hardware_generation" "catalog" {
  for_each = local.hardware

  generation             = each.value.generation
  min_compute_capability = each.value.min_compute_capability
  max_compute_capability = each.value.max_compute_capability
}

import {
  for_each = local.licences
  to       = ufdl_licence.catalog[each.key]
  id       = each.key
}

resource "ufdl_licence" "catalog" {
  for_each = local.licences

  name        = each.value.name
  url         = each.value.url
  domains     = each.value.domains
  permissions = each.value.permissions
  limitations = each.value.limitations
  conditions  = each.value.conditions
}

import {
  for_each = local.contracts
  to       = ufdl_job_contract.catalog[each.key]
  id       = each.key
}

resource "ufdl_job_contract" "catalog" {
  for_each = local.contracts

  name = each.value.name
  pkg  = each.value.pkg
  cls  = each.value.cls
}

# The images: those the server holds are adopted by name:version, the others created. Each
# names its rows through the resources above, so that Terraform creates a new row before the
# images that use it, and destroys it after them.

import {
  for_each = { for key, img in local.images : key => img if contains(local.existing_images, key) }
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
  # Only for images this configuration creates: see var.registry_passwords.
  registry_password = lookup(var.registry_passwords, each.key, null)

  cuda_version      = ufdl_cuda_version.catalog[each.value.cuda_version].version
  framework_name    = ufdl_framework.catalog["${each.value.framework.name}:${each.value.framework.version}"].name
  framework_version = ufdl_framework.catalog["${each.value.framework.name}:${each.value.framework.version}"].version
  domain            = each.value.domain
  tasks             = [for t in each.value.tasks : ufdl_job_contract.catalog[t].name]
  licence           = ufdl_licence.catalog[each.value.license].name
  cpu               = each.value.cpu

  # The files write "" for a CPU image without a minimum generation.
  min_hardware_generation = each.value.min_hardware_generation == "" ? null : ufdl_hardware_generation.catalog[each.value.min_hardware_generation].generation
}

output "managed" {
  description = "What this configuration manages, by table and natural key, with the primary keys of the server."
  value = {
    frameworks           = { for k, r in ufdl_framework.catalog : k => r.pk }
    cuda_versions        = { for k, r in ufdl_cuda_version.catalog : k => r.pk }
    hardware_generations = { for k, r in ufdl_hardware_generation.catalog : k => r.pk }
    licences             = { for k, r in ufdl_licence.catalog : k => r.pk }
    job_contracts        = { for k, r in ufdl_job_contract.catalog : k => r.pk }
    docker_images        = { for k, r in ufdl_dockerimage.catalog : k => r.pk }
  }
}
