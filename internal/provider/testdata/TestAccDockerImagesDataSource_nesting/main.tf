# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

data "ufdl_dockerimages" "or_with_and" {
  filter {
    or {
      exact {
        field = "name"
        value = "yolact"
      }
      and {
        exact {
          field = "domain__name"
          value = "sp"
        }
        isnull {
          field  = "min_hardware_generation"
          invert = true
        }
      }
    }
  }
}
data "ufdl_dockerimages" "and" {
  filter {
    and {
      contains {
        field      = "name"
        sub_string = "mm"
      }
      compare {
        field    = "cuda_version__version"
        operator = ">"
        value    = "11.0"
      }
    }
  }
}
data "ufdl_dockerimages" "or_of_leaves" {
  filter {
    or {
      exact {
        field = "tasks__name"
        value = "Export"
      }
      exact {
        field = "licence__name"
        value = "MIT"
      }
    }
  }
}
data "ufdl_dockerimages" "or_of_ands_with_invert" {
  filter {
    or {
      and {
        exact {
          field = "cpu"
          value = true
        }
        exact {
          field  = "domain__name"
          value  = "od"
          invert = true
        }
      }
      and {
        exact {
          field = "name"
          value = "yolo"
        }
        contains {
          field            = "version"
          sub_string       = "V5"
          case_insensitive = true
        }
      }
    }
  }
}
data "ufdl_dockerimages" "shortcut_then_or" {
  domain = "od"
  filter {
    or {
      isnull {
        field = "min_hardware_generation"
      }
      exact {
        field = "min_hardware_generation__generation"
        value = "Turing"
      }
    }
  }
}

# An or or and of one expression (as a dynamic block may give) means that expression.
data "ufdl_dockerimages" "or_of_one" {
  filter {
    or {
      exact {
        field = "name"
        value = "yolact"
      }
    }
  }
}

data "ufdl_dockerimages" "and_of_one_in_or" {
  filter {
    or {
      exact {
        field = "tasks__name"
        value = "Export"
      }
      and {
        exact {
          field = "domain__name"
          value = "sc"
        }
      }
    }
  }
}
