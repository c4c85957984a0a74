# Which manifest the tag points at now, as a worker's docker pull would resolve it.
data "ufdl_image_digest" "yolo_v7" {
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  registry_username = "public"
  registry_password = var.registry_password
}

variable "registry_password" {
  type      = string
  sensitive = true
}

output "yolo_v7_digest" {
  value = data.ufdl_image_digest.yolo_v7.digest # sha256:...
}

output "yolo_v7_pinned" {
  value = data.ufdl_image_digest.yolo_v7.pinned_url # ...:2022-10-08_cuda11.1@sha256:...
}
