# Terraform 1.12 and later (and OpenTofu 1.12): import by resource identity, name and
# version together (or the primary key alone, identity = { pk = <pk> }).
import {
  to = ufdl_framework.yolo_v7
  identity = {
    name    = "yolo"
    version = "v7"
  }
}
