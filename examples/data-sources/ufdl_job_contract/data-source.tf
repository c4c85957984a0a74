data "ufdl_job_contract" "train" {
  name = "Train"
}

output "train_class" {
  value = data.ufdl_job_contract.train.cls
}
