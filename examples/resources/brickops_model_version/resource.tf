# The MLflow run that trained the model. Against the local emulator, log one
# with: brickops emulator seed --model dev.ml.churn --metric val_auc=0.87 --no-register
variable "training_run_id" {
  type = string
}

# In dev: register what a training run produced.
resource "brickops_model_version" "dev" {
  model_name  = "dev.ml.churn"
  source      = "runs:/${var.training_run_id}/model"
  run_id      = var.training_run_id
  description = "Nightly retraining"
}

# In staging: promote by copying dev's version 7. The pin lives in git and
# changes through a reviewed pull request.
resource "brickops_model_version" "staging" {
  model_name = "staging.ml.churn"
  copy_from  = "dev.ml.churn/7"

  tags = {
    validated = "true"
  }

  timeouts = {
    create = "30m"
  }
}

# In prod: copy whatever staging's champion is at the time of creation.
resource "brickops_model_version" "prod" {
  model_name = "prod.ml.churn"
  copy_from  = "staging.ml.churn@champion"
}
