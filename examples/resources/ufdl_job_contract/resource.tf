# A job contract of your own: an interface that job templates fulfil, defined by a Python
# class that the UFDL deployment can import.
resource "ufdl_job_contract" "evaluate" {
  name = "Evaluate"
  pkg  = "my_team.jobcontracts"
  cls  = "my_team.jobcontracts.evaluation.Evaluate"
}
