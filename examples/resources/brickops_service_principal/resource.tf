# The Entra ID application CI deploys with, added to the workspace.
resource "brickops_service_principal" "deployer" {
  application_id       = "9f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
  display_name         = "mlops-deployer"
  allow_cluster_create = true
}

resource "brickops_job" "retrain" {
  name  = "churn-retrain"
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/churn/train" } }]
}

# Permissions name it by its application id.
resource "brickops_permissions" "retrain" {
  job_id = brickops_job.retrain.id
  access_control {
    service_principal_name = brickops_service_principal.deployer.application_id
    permission_level       = "CAN_MANAGE_RUN"
  }
}
