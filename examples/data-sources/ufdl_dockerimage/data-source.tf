# One image, by name and version...
data "ufdl_dockerimage" "yolo_v7" {
  name    = "yolo"
  version = "v7_2022-10-08_cuda11.1"
}

# ... or by primary key.
data "ufdl_dockerimage" "by_pk" {
  pk = 20
}

output "yolo_v7_url" {
  value = data.ufdl_dockerimage.yolo_v7.url
}
