# The demo (`make demo`) applies this configuration to a fresh reference server.
# Three images of the real UFDL catalog: a YOLOv7 GPU image, its CPU build and an
# MMDetection GPU image.

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
  version           = "v7_2022-10-08_cuda11.1"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  registry_password = "public"
  cuda_version      = "11.1"
  framework_name    = "yolo" # by name and version: primary keys differ between servers
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}

# A CPU image. The documented API lets it leave min_hardware_generation out, but the UFDL
# backend refuses an image without one: the oldest generation keeps it valid on both.
resource "ufdl_dockerimage" "yolo_v7_cpu" {
  name              = "yolo_cpu"
  version           = "v7_2022-10-08-05_cpu"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08-05_cpu"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  registry_password = "public"
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
  version           = "2020-10-11"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/open-mmlab/mmdetection:2020-10-11"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  registry_password = "public"
  cuda_version      = "10.1"
  framework_name    = "mmdetection"
  framework_version = "2020-10-11"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "Apache 2.0"
}

# A question to the catalog, answered by the server: every GPU image for object
# detection, newest version first.
data "ufdl_dockerimages" "gpu_detectors" {
  domain = "od"
  cpu    = false

  order_by {
    field     = "version"
    ascending = false
  }

  depends_on = [ufdl_dockerimage.yolo_v7, ufdl_dockerimage.yolo_v7_cpu, ufdl_dockerimage.mmdetection]
}

output "gpu_detectors" {
  description = "GPU object-detection images in the catalog, newest version first."
  value       = [for img in data.ufdl_dockerimages.gpu_detectors.images : "${img.name}:${img.version} (CUDA ${img.cuda_full_version})"]
}

output "image_pks" {
  description = "Server-assigned primary keys of the images."
  value = {
    yolo_v7     = ufdl_dockerimage.yolo_v7.pk
    yolo_v7_cpu = ufdl_dockerimage.yolo_v7_cpu.pk
    mmdetection = ufdl_dockerimage.mmdetection.pk
  }
}
