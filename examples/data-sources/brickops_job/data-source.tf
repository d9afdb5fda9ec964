# The retraining job, found by name (the name must be unique).
data "brickops_job" "retrain" {
  job_name = "churn-retrain-prod"
}

resource "brickops_permissions" "retrain" {
  job_id = data.brickops_job.retrain.id

  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_MANAGE_RUN"
  }
}

output "retrain_schedule" {
  value = data.brickops_job.retrain.job_settings[0].settings[0].schedule[0].quartz_cron_expression
}
