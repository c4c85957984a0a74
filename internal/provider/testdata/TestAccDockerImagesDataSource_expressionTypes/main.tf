# Copyright (c) The terraform-provider-ufdl authors
# SPDX-License-Identifier: Apache-2.0

variable "yolo_v7_framework" {
  type = number
}
variable "yolo_v7_image" {
  type = number
}

data "ufdl_dockerimages" "exact_case_insensitive" {
  filter {
    exact {
      field            = "name"
      value            = "YOLO"
      case_insensitive = true
    }
  }
}
data "ufdl_dockerimages" "exact_case_sensitive" {
  filter {
    exact {
      field = "name"
      value = "YOLO"
    }
  }
}
data "ufdl_dockerimages" "exact_invert" {
  filter {
    exact {
      field  = "domain__name"
      value  = "od"
      invert = true
    }
  }
}
data "ufdl_dockerimages" "exact_bool" {
  filter {
    exact {
      field = "cpu"
      value = true
    }
  }
}
data "ufdl_dockerimages" "exact_foreign_key" {
  filter {
    exact {
      field = "framework"
      value = var.yolo_v7_framework
    }
  }
}
data "ufdl_dockerimages" "exact_any_task" {
  filter {
    exact {
      field = "tasks__name"
      value = "Export"
    }
  }
}
data "ufdl_dockerimages" "contains_case_insensitive" {
  filter {
    contains {
      field            = "url"
      sub_string       = "CUDA11"
      case_insensitive = true
    }
  }
}
data "ufdl_dockerimages" "contains_case_sensitive" {
  filter {
    contains {
      field      = "url"
      sub_string = "CUDA11"
    }
  }
}
data "ufdl_dockerimages" "contains_invert_after_shortcut" {
  cpu = true
  filter {
    contains {
      field      = "version"
      sub_string = "cpu"
      invert     = true
    }
  }
}
data "ufdl_dockerimages" "isnull" {
  filter {
    isnull {
      field = "min_hardware_generation"
    }
  }
}
data "ufdl_dockerimages" "isnull_invert" {
  filter {
    isnull {
      field  = "min_hardware_generation"
      invert = true
    }
  }
}
data "ufdl_dockerimages" "compare_number" {
  filter {
    compare {
      field    = "cuda_version__version"
      operator = ">="
      value    = "11.0"
    }
  }
}
data "ufdl_dockerimages" "compare_invert" {
  filter {
    compare {
      field    = "pk"
      operator = "<"
      value    = var.yolo_v7_image
      invert   = true
    }
  }
}
data "ufdl_dockerimages" "compare_text" {
  filter {
    compare {
      field    = "name"
      operator = ">"
      value    = "yolact"
    }
  }
}
data "ufdl_dockerimages" "filters_in_turn" {
  filter {
    compare {
      field    = "cuda_version__version"
      operator = "<"
      value    = "10.1"
    }
  }
  filter {
    isnull {
      field  = "min_hardware_generation"
      invert = true
    }
  }
}
