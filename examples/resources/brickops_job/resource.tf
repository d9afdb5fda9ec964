# Weekly retraining of the churn model: prepare features in a notebook, then
# train from a wheel, on a job cluster created for each run.
resource "brickops_job" "retrain_churn" {
  name = "retrain-churn"
  tags = { team = "ml" }

  job_clusters = [{
    job_cluster_key = "train"
    new_cluster = {
      spark_version = "15.4.x-cpu-ml-scala2.12"
      node_type_id  = "Standard_DS3_v2"
      autoscale     = { min_workers = 1, max_workers = 4 }
    }
  }]

  tasks = [
    {
      task_key        = "prepare"
      job_cluster_key = "train"
      notebook_task = {
        notebook_path   = "/Repos/ml/churn/prepare"
        base_parameters = { table = "dev.ml.churn_features" }
      }
    },
    {
      task_key        = "train"
      job_cluster_key = "train"
      depends_on      = [{ task_key = "prepare" }]
      python_wheel_task = {
        package_name = "churn"
        entry_point  = "train"
        parameters   = ["--register-to=dev.ml.churn"]
      }
      libraries   = [{ whl = "/Workspace/Shared/wheels/churn-1.0-py3-none-any.whl" }]
      max_retries = 1
    },
  ]

  schedule = {
    quartz_cron_expression = "0 0 3 ? * MON" # Mondays 03:00
    timezone_id            = "Europe/Amsterdam"
  }

  parameters          = [{ name = "model", default = "dev.ml.churn" }]
  email_notifications = { on_failure = ["ml-oncall@example.com"] }

  # Scheduled runs execute as a service principal (its application id), not
  # as whoever applied this configuration.
  run_as = { service_principal_name = "9f0e7a44-52f6-4c1b-9a3d-0c6e2b1d7e55" }
}
