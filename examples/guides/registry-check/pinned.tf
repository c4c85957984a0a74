terraform {
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

# In CI: UFDL_REGISTRY_CHECK=error UFDL_REGISTRY_CHECK_UNCHANGED=true terraform plan -detailed-exitcode
provider "ufdl" {}

variable "registry_password" {
  type      = string
  sensitive = true
}

locals {
  # The tags the catalog offers; the digests come from the registry on every plan.
  yolo_tags = {
    "v7_2022-10-08_cuda11.1" = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
    "v5_2022-11-05_cuda11.1" = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov5:2022-11-05_cuda11.1"
  }
}

data "ufdl_image_digest" "yolo" {
  for_each          = local.yolo_tags
  url               = each.value
  registry_username = "public"
  registry_password = var.registry_password
}

data "ufdl_framework" "yolo" {
  for_each = local.yolo_tags
  name     = "yolo"
  version  = split("_", each.key)[0]
}

resource "ufdl_dockerimage" "yolo" {
  for_each = local.yolo_tags

  # Pinned entries beside the catalog's own "yolo" ones, which stay as they are.
  name = "yolo_pinned"
  # A tag pushed again shows in the plan as a change of this url.
  version           = each.key
  url               = provider::ufdl::pin_image(each.value, data.ufdl_image_digest.yolo[each.key].digest)
  registry_url      = provider::ufdl::parse_image(each.value).registry
  registry_username = "public"
  registry_password = var.registry_password
  cuda_version      = "11.1"
  framework         = data.ufdl_framework.yolo[each.key].pk
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}
