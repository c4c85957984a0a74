# Terraform 1.12 and later (and OpenTofu 1.12): import by resource identity, the generation
# (or the primary key alone, identity = { pk = <pk> }).
import {
  to = ufdl_hardware_generation.pascal
  identity = {
    generation = "Pascal"
  }
}
