# Warm VMs so retraining job clusters start in seconds.
resource "brickops_instance_pool" "training" {
  instance_pool_name                    = "ml-training"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 0
  max_capacity                          = 10
  idle_instance_autotermination_minutes = 15
  custom_tags                           = { team = "ml" }

  azure_attributes {
    availability = "SPOT_AZURE"
  }
}
