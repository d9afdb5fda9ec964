resource "brickops_job" "retrain" {
  name  = "churn-retrain"
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/churn/train" } }]
}

# The ML team runs and manages the retraining job; everyone else may look.
resource "brickops_permissions" "retrain" {
  job_id = brickops_job.retrain.id

  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_MANAGE"
  }
  access_control {
    group_name       = "users"
    permission_level = "CAN_VIEW"
  }
}
