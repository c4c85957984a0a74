# CUDA 12.4 and the oldest driver that runs it. The version is a decimal with one place:
# "12.4" and "12.40" are the same version, "12" is "12.0", and "12.45" cannot be stored.
resource "ufdl_cuda_version" "cuda_12_4" {
  version            = "12.4"
  full_version       = "12.4.1"
  min_driver_version = "550.54.15"
}
