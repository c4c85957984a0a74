# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Stop managing the deployment without deleting anything: this file takes the place of
# main.tf. The next apply forgets every row and every image; the server keeps them all.

terraform {
  # removed blocks with lifecycle
  required_version = ">= 1.7"
  required_providers {
    ufdl = {
      source = "waikato-ufdl/ufdl"
    }
  }
}

removed {
  from = ufdl_dockerimage.catalog
  lifecycle {
    destroy = false
  }
}

removed {
  from = ufdl_framework.catalog
  lifecycle {
    destroy = false
  }
}

removed {
  from = ufdl_cuda_version.catalog
  lifecycle {
    destroy = false
  }
}

removed {
  from = ufdl_hardware_generation.catalog
  lifecycle {
    destroy = false
  }
}

removed {
  from = ufdl_licence.catalog
  lifecycle {
    destroy = false
  }
}

removed {
  from = ufdl_job_contract.catalog
  lifecycle {
    destroy = false
  }
}
