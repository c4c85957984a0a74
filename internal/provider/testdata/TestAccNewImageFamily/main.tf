# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# A new image family in one configuration: the five catalog rows it needs and two images
# that use them, by reference, so that Terraform creates the rows first and destroys them
# last. var.typo builds each lookup value of the GPU image from a reference and a suffix:
# values that neither the server nor this plan holds.

terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}

provider "ufdl" {}

variable "tag" {
  type = string
}

variable "cuda_version" {
  type = string
}

variable "licence_url" {
  type    = string
  default = "https://example.com/licences/family"
}

variable "typo" {
  type    = bool
  default = false
}

resource "ufdl_framework" "family" {
  name    = "tfacc-fw-${var.tag}"
  version = "1.0"
}

resource "ufdl_cuda_version" "family" {
  version            = var.cuda_version
  full_version       = "tfacc-${var.tag}"
  min_driver_version = "999.99"
}

# Within Hopper's range, so that the server keeps resolving every compute capability to
# the generation it did (the lower pk wins) for anyone else using it meanwhile.
resource "ufdl_hardware_generation" "family" {
  generation             = "tfacc-hw-${var.tag}"
  min_compute_capability = 9.0
  max_compute_capability = 9.5
}

resource "ufdl_licence" "family" {
  name        = "tfacc-lic-${var.tag}"
  url         = var.licence_url
  domains     = ["Software", "Models"]
  permissions = ["Commercial use", "Modification"]
  limitations = ["Liability"]
  conditions  = ["License and copyright notice"]
}

resource "ufdl_job_contract" "family" {
  name = "tfacc-jc-${var.tag}"
  pkg  = "tfacc.jobcontracts"
  cls  = "tfacc.jobcontracts.t${var.tag}.Train"
}

# Every lookup by reference, the framework by name and version.
resource "ufdl_dockerimage" "gpu" {
  name              = "tfacc-family-${var.tag}"
  version           = "1.0_cuda"
  url               = "registry.example.com:443/family/train:1.0_cuda"
  registry_url      = "registry.example.com:443"
  registry_username = "pull"
  registry_password = "family-registry-pw"
  domain            = "od"

  cuda_version            = var.typo ? format("%.1f", tonumber(ufdl_cuda_version.family.version) + 0.1) : ufdl_cuda_version.family.version
  framework_name          = ufdl_framework.family.name
  framework_version       = var.typo ? "${ufdl_framework.family.version}-rc" : ufdl_framework.family.version
  min_hardware_generation = var.typo ? "${ufdl_hardware_generation.family.generation}-ti" : ufdl_hardware_generation.family.generation
  licence                 = var.typo ? "${ufdl_licence.family.name}-v2" : ufdl_licence.family.name
  tasks                   = [var.typo ? "${ufdl_job_contract.family.name}s" : ufdl_job_contract.family.name, "Predict"]
}

# The framework written both ways: its pk is known only after apply, its name at plan.
resource "ufdl_dockerimage" "cpu" {
  name         = "tfacc-family-${var.tag}"
  version      = "1.0_cpu"
  url          = "registry.example.com:443/family/train:1.0_cpu"
  registry_url = "registry.example.com:443"
  domain       = "od"
  cpu          = true

  cuda_version            = "0.0"
  framework               = ufdl_framework.family.pk
  framework_name          = ufdl_framework.family.name
  framework_version       = ufdl_framework.family.version
  min_hardware_generation = ufdl_hardware_generation.family.generation
  licence                 = ufdl_licence.family.name
  tasks                   = [ufdl_job_contract.family.name]
}
