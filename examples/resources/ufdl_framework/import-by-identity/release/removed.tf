# In place of the resource block: the next apply forgets the framework, the server keeps it.
removed {
  from = ufdl_framework.yolo_v7

  lifecycle {
    destroy = false
  }
}
