resource "brickops_model_version" "prod" {
  model_name = "prod.ml.churn"
  copy_from  = "staging.ml.churn@champion"
}

# Serving loads models:/prod.ml.churn@champion; moving the alias to a new
# version is an in-place update.
resource "brickops_model_alias" "champion" {
  model_name = "prod.ml.churn"
  alias      = "champion"
  version    = brickops_model_version.prod.version
}
