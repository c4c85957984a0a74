# In place of the resource block: the next apply forgets the job contract, the server keeps it.
removed {
  from = ufdl_job_contract.train

  lifecycle {
    destroy = false
  }
}
