data "ufdl_licence" "gpl3" {
  name = "GPL3"
}

output "gpl3_url" {
  value = data.ufdl_licence.gpl3.url
}
