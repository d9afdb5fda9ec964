# Where the churn model's training runs log their metrics.
resource "brickops_mlflow_experiment" "churn" {
  name = "/Shared/mlops/churn-training"

  tags {
    key   = "team"
    value = "ml"
  }
}
