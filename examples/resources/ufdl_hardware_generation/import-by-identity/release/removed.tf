# In place of the resource block: the next apply forgets the generation, the server keeps it.
removed {
  from = ufdl_hardware_generation.pascal

  lifecycle {
    destroy = false
  }
}
