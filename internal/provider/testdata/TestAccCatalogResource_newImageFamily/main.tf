# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# A new image family in one apply: a row of every catalog table, and an image that uses them,
# referring to their resources so that Terraform creates the rows first and destroys them
# last. The test appends the provider block and the locals tag, cuda and compute.

resource "ufdl_framework" "family" {
  name    = "tfacc-fw-${local.tag}"
  version = "v1"
}

resource "ufdl_cuda_version" "family" {
  version            = local.cuda
  full_version       = "tf-${local.tag}"
  min_driver_version = "550.54.15"
}

resource "ufdl_hardware_generation" "family" {
  generation             = "tfacc-hw-${local.tag}"
  min_compute_capability = local.compute
  max_compute_capability = local.compute + 0.5
}

resource "ufdl_licence" "family" {
  name = "tfacc-lic-${local.tag}"
  url  = "https://example.com/licences/${local.tag}"
}

resource "ufdl_job_contract" "family" {
  name = "tfacc-jc-${local.tag}"
  pkg  = "tfacc.jobcontracts"
  cls  = "tfacc.jobcontracts.c${local.tag}.Train"
}

resource "ufdl_dockerimage" "family" {
  name                    = "tfacc-family-${local.tag}"
  version                 = "v1"
  url                     = "registry.example.com/tfacc/family-${local.tag}:1"
  registry_url            = "registry.example.com"
  framework_name          = ufdl_framework.family.name
  framework_version       = ufdl_framework.family.version
  cuda_version            = ufdl_cuda_version.family.version
  min_hardware_generation = ufdl_hardware_generation.family.generation
  licence                 = ufdl_licence.family.name
  tasks                   = [ufdl_job_contract.family.name]
  domain                  = "od"
}
