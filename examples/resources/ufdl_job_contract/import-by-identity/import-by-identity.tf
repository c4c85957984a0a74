# Terraform 1.12 and later (and OpenTofu 1.12): import by resource identity, the name (or
# the primary key alone, identity = { pk = <pk> }).
import {
  to = ufdl_job_contract.train
  identity = {
    name = "Train"
  }
}
