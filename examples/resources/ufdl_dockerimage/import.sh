# By name and version, "name:version", the same on every deployment:
terraform import ufdl_dockerimage.yolo_v7 yolo:v7_2022-10-08_cuda11.1

# By primary key instead, which differs between deployments:
#   terraform import ufdl_dockerimage.yolo_v7 <pk>
