terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

# Credentials come from the environment (DATABRICKS_HOST and DATABRICKS_TOKEN,
# or the Azure ARM_* variables). Against the local emulator, run
# `brickops emulator` and paste the export lines it prints.
provider "brickops" {}

# Or explicitly, e.g. with a service principal:
# provider "brickops" {
#   host                = "https://adb-1234567890123456.7.azuredatabricks.net"
#   azure_tenant_id     = var.tenant_id
#   azure_client_id     = var.client_id
#   azure_client_secret = var.client_secret
# }
