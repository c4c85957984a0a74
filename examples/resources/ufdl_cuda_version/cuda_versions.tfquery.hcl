# cuda_versions.tfquery.hcl: find CUDA versions to bring under Terraform (Terraform 1.14
# and later); terraform query -generate-config-out=cuda.tf writes resource and import blocks.
list "ufdl_cuda_version" "cuda_11" {
  provider         = ufdl
  include_resource = true

  config {
    contains = "11." # every 11.x; version = "11.1" finds one, compared as a number
  }
}
