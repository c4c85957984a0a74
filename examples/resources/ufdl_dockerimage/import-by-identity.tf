# Terraform 1.12 and later: import by resource identity, either the primary key
# (identity = { pk = 12 }) or name and version together.
import {
  to = ufdl_dockerimage.yolo_v7_cpu
  identity = {
    name    = "yolo_cpu"
    version = "v7_2022-10-08-05_cpu"
  }
}
