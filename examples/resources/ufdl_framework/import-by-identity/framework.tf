# The framework import-by-identity.tf adopts, as the server holds it.
resource "ufdl_framework" "yolo_v7" {
  name    = "yolo"
  version = "v7"
}
