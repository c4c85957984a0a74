# hardware_generations.tfquery.hcl: find hardware generations to bring under Terraform
# (Terraform 1.14 and later); terraform query -generate-config-out=hardware.tf writes
# resource and import blocks.
list "ufdl_hardware_generation" "all" {
  provider         = ufdl
  include_resource = true
}
