# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

# Object-detection images by hardware generation, then by pk: nulls last ascending and
# first descending by default (PostgreSQL's), or as nulls_first says.
data "ufdl_dockerimages" "asc_nulls_last_by_default" {
  domain = "od"
  order_by {
    field = "min_hardware_generation__generation"
  }
  order_by {
    field = "pk"
  }
}

data "ufdl_dockerimages" "asc_nulls_first" {
  domain = "od"
  order_by {
    field       = "min_hardware_generation__generation"
    nulls_first = true
  }
  order_by {
    field = "pk"
  }
}

data "ufdl_dockerimages" "desc_nulls_first_by_default" {
  domain = "od"
  order_by {
    field     = "min_hardware_generation__generation"
    ascending = false
  }
  order_by {
    field = "pk"
  }
}

data "ufdl_dockerimages" "desc_nulls_last" {
  domain = "od"
  order_by {
    field       = "min_hardware_generation__generation"
    ascending   = false
    nulls_first = false
  }
  order_by {
    field     = "pk"
    ascending = false
  }
}

data "ufdl_dockerimages" "name_desc_version_asc" {
  filter {
    contains {
      field      = "name"
      sub_string = "yolo"
    }
  }
  order_by {
    field     = "name"
    ascending = false
  }
  order_by {
    field = "version"
  }
}

# Equal CUDA versions: the provider breaks the tie by pk.
data "ufdl_dockerimages" "cuda_desc" {
  domain = "od"
  cpu    = false
  order_by {
    field     = "cuda_version__version"
    ascending = false
  }
}
