# Stop managing an image without deleting it (Terraform 1.7 and later, OpenTofu 1.7): put a
# removed block where its resource block was. The next apply forgets it; the server keeps it.
# (`terraform destroy`, or deleting the resource block alone, deletes the image.)
removed {
  from = ufdl_dockerimage.yolo_v7

  lifecycle {
    destroy = false
  }
}
