# The image import-by-identity.tf adopts, as the server holds it.
resource "ufdl_dockerimage" "yolo_v7" {
  name              = "yolo"
  version           = "v7_2022-10-08_cuda11.1"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  registry_password = "public"
  cuda_version      = "11.1"
  framework_name    = "yolo"
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}
