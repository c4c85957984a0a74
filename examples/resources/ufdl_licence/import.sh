# By name, the same on every deployment:
terraform import ufdl_licence.eupl EUPL-1.2

# By primary key instead, which differs between deployments:
#   terraform import ufdl_licence.eupl <pk>
