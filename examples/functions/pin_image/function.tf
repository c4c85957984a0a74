# The url keeps its tag for readers and gains the digest workers pull:
# public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1@sha256:...
data "ufdl_image_digest" "yolo_v7" {
  url = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
}

output "pinned_url" {
  value = provider::ufdl::pin_image(data.ufdl_image_digest.yolo_v7.url, data.ufdl_image_digest.yolo_v7.digest)
}
