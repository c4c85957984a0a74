# Write images without knowing the framework's primary key.
data "ufdl_framework" "yolo_v7" {
  name    = "yolo"
  version = "v7"
}

resource "ufdl_dockerimage" "yolo_v7" {
  name         = "yolo"
  version      = "v7_2022-10-08_cuda11.1"
  url          = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  registry_url = "public.aml-repo.cms.waikato.ac.nz:443"
  cuda_version = "11.1"
  framework    = data.ufdl_framework.yolo_v7.pk
  domain       = "od"
  tasks        = ["Train", "Predict"]
  licence      = "GPL3"

  min_hardware_generation = "Pascal"
}
