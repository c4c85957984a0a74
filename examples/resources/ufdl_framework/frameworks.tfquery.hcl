# frameworks.tfquery.hcl: find frameworks to bring under Terraform (Terraform 1.14 and later).
#   terraform query                                      # list them
#   terraform query -generate-config-out=frameworks.tf   # write resource and import blocks
#   terraform apply                                      # import them; the next plan is empty
list "ufdl_framework" "mmdetection" {
  provider         = ufdl
  include_resource = true

  config {
    name = "mmdetection" # exact; add version = "..." for one
  }
}
