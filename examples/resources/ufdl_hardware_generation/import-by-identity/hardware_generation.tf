# The hardware generation import-by-identity.tf adopts, as the server holds it.
resource "ufdl_hardware_generation" "pascal" {
  generation             = "Pascal"
  min_compute_capability = 6
  max_compute_capability = 7
}
