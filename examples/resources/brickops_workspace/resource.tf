# The provider that manages workspaces authenticates to Azure Resource
# Manager, here with a service principal (ARM_TENANT_ID, ARM_CLIENT_ID,
# ARM_CLIENT_SECRET, ARM_SUBSCRIPTION_ID), or azure_use_oidc in GitHub Actions.
provider "brickops" {}

resource "brickops_workspace" "ml" {
  name                = "dbw-mlops-dev"
  resource_group_name = "rg-mlops-dev"
  location            = "westeurope"
  sku                 = "premium"

  # Secure cluster connectivity in your own virtual network.
  enable_no_public_ip        = true
  custom_virtual_network_id  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-mlops"
  custom_public_subnet_name  = "snet-databricks-host"
  custom_private_subnet_name = "snet-databricks-container"

  tags = {
    env   = "dev"
    owner = "ml-platform"
  }

  timeouts = {
    create = "45m"
  }
}

# The same configuration can use the new workspace: this provider connects
# lazily, once brickops_workspace.ml exists and its URL is known.
provider "brickops" {
  alias                       = "dev"
  host                        = "https://${brickops_workspace.ml.workspace_url}"
  azure_workspace_resource_id = brickops_workspace.ml.id
  auth_type                   = "azure-client-secret"
}

resource "brickops_cluster" "training" {
  provider                = brickops.dev
  cluster_name            = "training"
  spark_version           = "15.4.x-cpu-ml-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 2
  autotermination_minutes = 30
}
