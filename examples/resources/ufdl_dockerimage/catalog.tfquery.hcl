# catalog.tfquery.hcl: find the images to bring under Terraform (Terraform 1.14 and later).
#   terraform query                                   # list them
#   terraform query -generate-config-out=catalog.tf   # write resource and import blocks
#   terraform apply                                   # import them; the next plan is empty
list "ufdl_dockerimage" "gpu_detectors" {
  provider         = ufdl
  include_resource = true

  config {
    domain = "od"
    cpu    = false

    order_by {
      field     = "version"
      ascending = false
    }
  }
}
