# By primary key:
terraform import ufdl_dockerimage.yolo_v7 12

# By name and version, "name:version":
terraform import ufdl_dockerimage.yolo_v7 yolo:v7_2022-10-08_cuda11.1
