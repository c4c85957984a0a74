# A licence the catalog does not have yet. Its domains are licence domains (Software,
# Models, Data): what the licence covers, not the data domains of images (od, ic, ...).
resource "ufdl_licence" "eupl" {
  name = "EUPL-1.2"
  url  = "https://opensource.org/licenses/EUPL-1.2"

  domains     = ["Software", "Models"]
  permissions = ["Commercial use", "Distribution", "Modification", "Patent use", "Private use"]
  limitations = ["Liability", "Trademark use", "Warranty"]
  conditions  = ["Disclose source", "License and copyright notice", "Network use is distribution", "Same license", "State changes"]
}
