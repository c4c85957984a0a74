list "ufdl_dockerimage" "bad" {
  provider = ufdl
  config {
    filter {
      exact {
        field = "colour"
        value = "red"
      }
    }
  }
}
