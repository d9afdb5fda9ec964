# The training code, checked out at a release tag the retraining job runs.
resource "brickops_git_folder" "churn" {
  url  = "https://github.com/acme/churn-model.git"
  path = "/Repos/ml-service-principal/churn-model"
  tag  = "v1.4.0"
}
