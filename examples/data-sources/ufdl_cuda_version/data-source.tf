data "ufdl_cuda_version" "cuda_11_1" {
  version = "11.1"
}

output "min_driver_version" {
  value = data.ufdl_cuda_version.cuda_11_1.min_driver_version
}
