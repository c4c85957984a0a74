# In place of the resource block: the next apply forgets the image, the server keeps it.
removed {
  from = ufdl_dockerimage.yolo_v7

  lifecycle {
    destroy = false
  }
}
