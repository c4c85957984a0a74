# In place of the resource block: the next apply forgets the CUDA version, the server keeps it.
removed {
  from = ufdl_cuda_version.cuda_11_1

  lifecycle {
    destroy = false
  }
}
