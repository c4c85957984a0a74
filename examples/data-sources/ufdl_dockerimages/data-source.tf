# The common questions: shortcut arguments, all of which must match.
# Every GPU image for object detection that can train, newest version first.
data "ufdl_dockerimages" "od_trainers" {
  domain = "od"
  cpu    = false
  task   = "Train"

  # The mirrors below are object-detection trainers too: read the list once they exist.
  depends_on = [ufdl_dockerimage.mirror]

  order_by {
    field     = "version"
    ascending = false
  }
}

# The full filter language. Each filter block holds one expression; all filter blocks (and
# the shortcuts) must match. Here: images built for CUDA 11.0 or newer whose URL does not
# mention "cpu", plus (or) every yolact image; ordered by GPU generation with CPU-only images
# (no generation) first, then by name.
data "ufdl_dockerimages" "recent" {
  filter {
    or {
      and {
        compare {
          field    = "cuda_version__version"
          operator = ">="
          value    = "11.0"
        }
        contains {
          field            = "url"
          sub_string       = "CPU"
          case_insensitive = true
          invert           = true
        }
      }
      exact {
        field = "framework__name"
        value = "yolact"
      }
    }
  }
  filter {
    isnull {
      field  = "registry_username"
      invert = true
    }
  }

  order_by {
    field       = "min_hardware_generation__generation"
    nulls_first = true
  }
  order_by {
    field = "name"
  }
}

output "od_trainers" {
  value = [for img in data.ufdl_dockerimages.od_trainers.images : "${img.name}:${img.version}"]
}

# Results use the forms of the ufdl_dockerimage resource, so they can be copied into one:
# here a mirror of every GPU build of yolo. The query must not match the copies it makes
# (name = "yolo" does not match "mirror-yolo"), or every apply would copy the copies.
# for_each keys must not be sensitive: key by version, not by the whole image. The copies
# need the registry passwords, which a data source reads only when asked to (they then
# reach this configuration's state, marked sensitive).
data "ufdl_dockerimages" "yolo_gpu" {
  name                    = "yolo"
  cpu                     = false
  read_registry_passwords = true
}

resource "ufdl_dockerimage" "mirror" {
  for_each = { for img in data.ufdl_dockerimages.yolo_gpu.images : img.version => img }

  name                    = "mirror-${each.value.name}"
  version                 = each.value.version
  url                     = each.value.url
  registry_url            = each.value.registry_url
  registry_username       = each.value.registry_username
  registry_password       = each.value.registry_password
  cuda_version            = each.value.cuda_version
  framework               = each.value.framework
  domain                  = each.value.domain
  tasks                   = each.value.tasks
  min_hardware_generation = each.value.min_hardware_generation
  cpu                     = each.value.cpu
  licence                 = each.value.licence
}
