# job_contracts.tfquery.hcl: find job contracts to bring under Terraform (Terraform 1.14
# and later); terraform query -generate-config-out=job_contracts.tf writes resource and
# import blocks.
list "ufdl_job_contract" "standard" {
  provider         = ufdl
  include_resource = true

  config {
    name = "Train" # exact and case-sensitive
  }
}
