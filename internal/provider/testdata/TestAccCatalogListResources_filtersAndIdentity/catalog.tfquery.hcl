# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Both yolo frameworks, by exact name.
list "ufdl_framework" "yolo" {
  provider = ufdl
  config {
    name = "yolo"
  }
}

# One framework by its whole natural key, with its state.
list "ufdl_framework" "yolo_v7" {
  provider         = ufdl
  include_resource = true
  config {
    name    = "yolo"
    version = "v7"
  }
}

# A CUDA version is compared as a number: 11.10 is 11.1.
list "ufdl_cuda_version" "eleven_one" {
  provider         = ufdl
  include_resource = true
  config {
    version = "11.10"
  }
}

# contains ignores case.
list "ufdl_hardware_generation" "pascal" {
  provider         = ufdl
  include_resource = true
  config {
    contains = "ASCAL"
  }
}

list "ufdl_licence" "bsd" {
  provider         = ufdl
  include_resource = true
  config {
    contains = "bsd"
  }
}

list "ufdl_job_contract" "train" {
  provider         = ufdl
  include_resource = true
  config {
    name = "Train"
  }
}

# An exact name is case-sensitive: no job contract is called "train".
list "ufdl_job_contract" "lower_case" {
  provider = ufdl
  config {
    name = "train"
  }
}
