# The training code the retraining job runs, deployed from src/.
resource "brickops_workspace_file" "train" {
  path   = "/Shared/mlops/churn/src/train.py"
  source = "${path.module}/src/train.py"
}

output "train_path" {
  value = brickops_workspace_file.train.workspace_path # /Workspace/Shared/mlops/churn/src/train.py
}
