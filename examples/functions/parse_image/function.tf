locals {
  url   = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  image = provider::ufdl::parse_image(local.url)
  # local.image.name       = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7"
  # local.image.registry   = "public.aml-repo.cms.waikato.ac.nz:443"
  # local.image.repository = "waikatodatamining/pytorch-yolov7"
  # local.image.tag        = "2022-10-08_cuda11.1"
  # local.image.digest     = null
}

# registry_url derived from url cannot name another registry than the one pulled from.
resource "ufdl_dockerimage" "yolo_v7" {
  name              = "yolo"
  version           = "v7_2022-10-08_cuda11.1"
  url               = local.url
  registry_url      = local.image.registry
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
