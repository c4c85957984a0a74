# Adopt an image that already exists on the server, by "name:version", which is the same on
# every deployment (id = "<pk>" imports by primary key instead).
import {
  to = ufdl_dockerimage.yolo_v7
  id = "yolo:v7_2022-10-08_cuda11.1"
}
