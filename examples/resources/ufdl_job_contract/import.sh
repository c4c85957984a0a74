# By name, the same on every deployment:
terraform import ufdl_job_contract.evaluate Evaluate

# By primary key instead, which differs between deployments:
#   terraform import ufdl_job_contract.evaluate <pk>
