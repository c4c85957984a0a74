# The job contract import-by-identity.tf adopts, as the server holds it.
resource "ufdl_job_contract" "train" {
  name = "Train"
  pkg  = "ufdl.jobcontracts"
  cls  = "ufdl.jobcontracts.standard.Train"
}
