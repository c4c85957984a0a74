# In place of the resource block: the next apply forgets the licence, the server keeps it.
removed {
  from = ufdl_licence.gpl3

  lifecycle {
    destroy = false
  }
}
