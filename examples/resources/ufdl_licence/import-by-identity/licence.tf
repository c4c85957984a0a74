# The licence import-by-identity.tf adopts, as the server holds it.
resource "ufdl_licence" "gpl3" {
  name = "GPL3"
  url  = "https://opensource.org/licenses/GPL-3.0"

  domains     = ["Software", "Models"]
  permissions = ["Commercial use", "Distribution", "Modification", "Patent use", "Private use"]
  limitations = ["Liability", "Warranty"]
  conditions  = ["Disclose source", "License and copyright notice", "Same license", "State changes"]
}
