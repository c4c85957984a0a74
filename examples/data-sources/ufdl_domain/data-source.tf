data "ufdl_domain" "object_detection" {
  code = "od"
}

output "domain_description" {
  value = data.ufdl_domain.object_detection.description
}
