# By name and version, "name:version", the same on every deployment:
terraform import ufdl_framework.yolo_v8 yolo:v8

# By primary key instead, which differs between deployments:
#   terraform import ufdl_framework.yolo_v8 <pk>
