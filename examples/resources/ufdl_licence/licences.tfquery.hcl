# licences.tfquery.hcl: find licences to bring under Terraform (Terraform 1.14 and later);
# terraform query -generate-config-out=licences.tf writes resource and import blocks, lists
# included.
list "ufdl_licence" "gpl" {
  provider         = ufdl
  include_resource = true

  config {
    contains = "gpl" # ignores case: AGPL3, GPL2, GPL3, LGPL3
  }
}
