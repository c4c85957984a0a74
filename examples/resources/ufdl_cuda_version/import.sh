# By version, the same on every deployment; an import ID is always read as a version, so
# "12" is CUDA 12.0, never a primary key:
terraform import ufdl_cuda_version.cuda_12_4 12.4

# By primary key instead, through an import block's identity (Terraform 1.12 and later):
#   import {
#     to       = ufdl_cuda_version.cuda_12_4
#     identity = { pk = <pk> }
#   }
