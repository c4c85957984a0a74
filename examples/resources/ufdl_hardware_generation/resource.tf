# GPUs of compute capability 10 up to (not including) 13. The range must not overlap
# another generation's: the server resolves a compute capability in two ranges to the
# generation with the lower primary key, and the plan warns.
resource "ufdl_hardware_generation" "blackwell" {
  generation             = "Blackwell"
  min_compute_capability = 10
  max_compute_capability = 13
}
