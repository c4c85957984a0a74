# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# The demo (`make demo`) applies this configuration to a reference server holding the
# sample catalog of `make refserver` (the 23 images of the real UFDL deployment), so it runs
# unchanged against `make refserver` too. It adds three images of your own, pulled
# anonymously from your own registry: a YOLOv7 GPU build for CUDA 11.6, its CPU build and an
# MMDetection GPU build.

terraform {
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

# Host and credentials come from UFDL_HOST, UFDL_USERNAME and UFDL_PASSWORD.
provider "ufdl" {}

resource "ufdl_dockerimage" "yolo_v7" {
  name              = "yolo"
  version           = "v7_2023-05-12_cuda11.6"
  url               = "registry.example.com/ml/pytorch-yolov7:2023-05-12_cuda11.6"
  registry_url      = "registry.example.com"
  cuda_version      = "11.6"
  framework_name    = "yolo" # by name and version: primary keys differ between servers
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}

# A CPU image. The documented API lets it leave min_hardware_generation out, but the UFDL
# backend refuses a null there on create and update: the oldest generation keeps it valid
# on both.
resource "ufdl_dockerimage" "yolo_v7_cpu" {
  name              = "yolo_cpu"
  version           = "v7_2023-05-12_cpu"
  url               = "registry.example.com/ml/pytorch-yolov7:2023-05-12_cpu"
  registry_url      = "registry.example.com"
  cuda_version      = "0.0"
  framework_name    = "yolo"
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]
  cpu               = true
  licence           = "GPL3"

  min_hardware_generation = "Fermi"
}

resource "ufdl_dockerimage" "mmdetection" {
  name              = "mmdetection"
  version           = "2020-10-11_cuda11.6"
  url               = "registry.example.com/ml/mmdetection:2020-10-11_cuda11.6"
  registry_url      = "registry.example.com"
  cuda_version      = "11.6"
  framework_name    = "mmdetection"
  framework_version = "2020-10-11"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "Apache 2.0"
}

# A question to the catalog, answered by the server: every GPU image of YOLO, newest
# version first. The sample catalog's three and the one above.
data "ufdl_dockerimages" "yolo_gpu" {
  name = "yolo"
  cpu  = false

  order_by {
    field     = "version"
    ascending = false
  }

  depends_on = [ufdl_dockerimage.yolo_v7]
}

output "yolo_gpu" {
  description = "GPU images of YOLO in the catalog, newest version first."
  value       = [for img in data.ufdl_dockerimages.yolo_gpu.images : "${img.name}:${img.version} (CUDA ${img.cuda_full_version})"]
}

output "image_pks" {
  description = "Server-assigned primary keys of the images."
  value = {
    yolo_v7     = ufdl_dockerimage.yolo_v7.pk
    yolo_v7_cpu = ufdl_dockerimage.yolo_v7_cpu.pk
    mmdetection = ufdl_dockerimage.mmdetection.pk
  }
}
