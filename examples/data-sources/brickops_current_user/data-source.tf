data "brickops_current_user" "me" {}

# A per-user experiment in the home folder.
resource "brickops_mlflow_experiment" "scratch" {
  name = "${data.brickops_current_user.me.home}/churn-scratch"
}
