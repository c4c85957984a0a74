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
  host     = var.ufdl_host
  username = "admin"
  password = var.ufdl_password
}

variable "ufdl_host" {
  description = "URL of the UFDL server, e.g. https://ufdl.example.com."
  type        = string
}

variable "ufdl_password" {
  description = "Password of the UFDL admin user."
  type        = string
  sensitive   = true
}

# Terraform logs in only when something uses the provider: reading one lookup value is
# enough to check the host and the credentials at plan time.
data "ufdl_licence" "gpl3" {
  name = "GPL3"
}
