# A GPU image of the UFDL catalog.
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

# A CPU-only image: CUDA version "0.0" and no minimum hardware generation. Its registry
# password is write-only: sent to the server, never stored in plan or state.
resource "ufdl_dockerimage" "yolo_v7_cpu" {
  name              = "yolo_cpu"
  version           = "v7_2022-10-08-05_cpu"
  url               = "public.aml-repo.cms.waikato.ac.nz:443/waikatodatamining/pytorch-yolov7:2022-10-08-05_cpu"
  registry_url      = "public.aml-repo.cms.waikato.ac.nz:443"
  registry_username = "public"
  cuda_version      = "0.0"
  framework_name    = "yolo"
  framework_version = "v7"
  domain            = "od"
  tasks             = ["Train", "Predict"]
  cpu               = true
  licence           = "GPL3"

  registry_password_wo         = var.registry_password
  registry_password_wo_version = 1 # change it to send a new password
}

variable "registry_password" {
  description = "Password of the registry account."
  type        = string
  sensitive   = true
  ephemeral   = true
}
