# A framework the catalog does not have yet.
resource "ufdl_framework" "yolo_v8" {
  name    = "yolo"
  version = "v8"
}

# An image of it. Naming the framework through the resource's attributes makes Terraform
# create the framework before the image and destroy it after the image: the server keeps a
# framework that an image still uses.
resource "ufdl_dockerimage" "yolo_v8" {
  name              = "yolo"
  version           = "v8_2024-01-10_cuda12.1"
  url               = "registry.example.com/ml/yolov8:2024-01-10_cuda12.1"
  registry_url      = "registry.example.com"
  framework_name    = ufdl_framework.yolo_v8.name
  framework_version = ufdl_framework.yolo_v8.version
  cuda_version      = "12.1"
  domain            = "od"
  tasks             = ["Train", "Predict"]
  licence           = "AGPL3"

  min_hardware_generation = "Ampere"
}
