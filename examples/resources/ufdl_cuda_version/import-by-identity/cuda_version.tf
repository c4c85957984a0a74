# The CUDA version import-by-identity.tf adopts, as the server holds it.
resource "ufdl_cuda_version" "cuda_11_1" {
  version            = "11.1"
  full_version       = "11.1.0"
  min_driver_version = "455.23.05"
}
