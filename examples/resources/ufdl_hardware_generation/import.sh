# By generation name, the same on every deployment:
terraform import ufdl_hardware_generation.blackwell Blackwell

# By primary key instead, which differs between deployments:
#   terraform import ufdl_hardware_generation.blackwell <pk>
