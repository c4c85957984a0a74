locals {
  url   = "registry.example.com:5000/ml/pytorch-yolov7:2023-05-12_cuda11.6"
  image = provider::ufdl::parse_image(local.url)
  # local.image.name       = "registry.example.com:5000/ml/pytorch-yolov7"
  # local.image.registry   = "registry.example.com:5000"
  # local.image.repository = "ml/pytorch-yolov7"
  # local.image.tag        = "2023-05-12_cuda11.6"
  # local.image.digest     = null
}

# registry_url derived from url cannot name another registry than the one pulled from.
resource "ufdl_dockerimage" "yolo_v7" {
  name              = "yolo"
  version           = "v7_2023-05-12_cuda11.6"
  url               = local.url
  registry_url      = local.image.registry
  registry_username = "puller"
  registry_password = var.registry_password
  cuda_version      = "11.6"
  framework_name    = "yolo"
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}

variable "registry_password" {
  description = "Password of the registry account."
  type        = string
  sensitive   = true
}
