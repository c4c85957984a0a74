# Adopt an image that already exists on the server, by "name:version"
# (id = "12" imports by primary key instead).
import {
  to = ufdl_dockerimage.yolo_v7
  id = "yolo:v7_2022-10-08_cuda11.1"
}
