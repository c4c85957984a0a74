# A GPU image of the catalog a UFDL deployment starts with (`make refserver` serves it
# too): the import block of import-by-name.tf adopts it.
resource "ufdl_dockerimage" "yolo_v7" {
  name              = "yolo"
  version           = "v7_2022-10-08_cuda11.1"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08_cuda11.1"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  registry_password = "public"
  cuda_version      = "11.1"
  domain            = "od"
  tasks             = ["Train", "Predict"]

  # The framework by name and version, the same on every deployment (framework = <pk>
  # works too, but primary keys differ between servers).
  framework_name          = "yolo"
  framework_version       = "v7"
  min_hardware_generation = "Pascal"
  licence                 = "GPL3"
}

# A CPU-only image of your own: cpu = true, CUDA version "0.0", and the oldest generation,
# "Fermi", since the UFDL backend refuses an image without one. Its registry password is
# write-only: sent to the server, never stored in plan or state.
resource "ufdl_dockerimage" "yolo_v7_cpu" {
  name              = "yolo_cpu"
  version           = "v7_2023-05-12_cpu"
  url               = "registry.example.com/ml/pytorch-yolov7:2023-05-12_cpu"
  registry_url      = "registry.example.com"
  registry_username = "puller"
  cuda_version      = "0.0"
  framework_name    = "yolo"
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]
  cpu               = true
  licence           = "GPL3"

  min_hardware_generation = "Fermi"

  registry_password_wo         = var.registry_password
  registry_password_wo_version = 1 # change it to send a new password
}

variable "registry_password" {
  description = "Password of the registry account."
  type        = string
  sensitive   = true
  ephemeral   = true
}
