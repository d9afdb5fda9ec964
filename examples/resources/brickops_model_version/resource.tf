# In dev: register what a training run produced.
resource "brickops_model_version" "dev" {
  model_name  = "dev.ml.churn"
  source      = "runs:/4f2a9c1e8b7d4e3fa1c2b3d4e5f60718/model"
  run_id      = "4f2a9c1e8b7d4e3fa1c2b3d4e5f60718"
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
