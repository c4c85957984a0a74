# Write images without knowing the framework's primary key.
data "ufdl_framework" "yolo_v7" {
  name    = "yolo"
  version = "v7"
}

# A YOLOv7 build of your own, for CUDA 11.6, in your own registry.
resource "ufdl_dockerimage" "yolo_v7_cuda11_6" {
  name         = "yolo"
  version      = "v7_2023-05-12_cuda11.6"
  url          = "registry.example.com/ml/pytorch-yolov7:2023-05-12_cuda11.6"
  registry_url = "registry.example.com"
  cuda_version = "11.6"
  framework    = data.ufdl_framework.yolo_v7.pk
  domain       = "od"
  tasks        = ["Train", "Predict"]
  licence      = "GPL3"

  min_hardware_generation = "Pascal"
}
