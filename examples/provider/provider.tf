terraform {
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

# Every attribute also reads an environment variable (UFDL_HOST, UFDL_USERNAME,
# UFDL_PASSWORD, ...), so the block can stay empty and secrets out of the files.
provider "ufdl" {
  host     = "https://ufdl.example.com"
  username = "admin"
  password = var.ufdl_password
}

variable "ufdl_password" {
  description = "Password of the UFDL admin user."
  type        = string
  sensitive   = true
}
