# Terraform 1.12 and later (and OpenTofu 1.12): import by resource identity, the version
# (or the primary key alone, identity = { pk = <pk> }).
import {
  to = ufdl_cuda_version.cuda_11_1
  identity = {
    version = "11.1"
  }
}
