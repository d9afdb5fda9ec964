# The ML team: manages the retraining job.
resource "brickops_group" "ml_team" {
  display_name          = "ml-team"
  workspace_access      = true
  databricks_sql_access = true
}

resource "brickops_job" "retrain" {
  name  = "churn-retrain"
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/churn/train" } }]
}

resource "brickops_permissions" "retrain" {
  job_id = brickops_job.retrain.id
  access_control {
    group_name       = brickops_group.ml_team.display_name
    permission_level = "CAN_MANAGE"
  }
}
