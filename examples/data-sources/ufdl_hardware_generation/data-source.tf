data "ufdl_hardware_generation" "pascal" {
  generation = "Pascal"
}

output "pascal_compute_capabilities" {
  value = "${data.ufdl_hardware_generation.pascal.min_compute_capability} to ${data.ufdl_hardware_generation.pascal.max_compute_capability}"
}
