# The version staging's champion points at.
data "brickops_model_version" "staging_champion" {
  model_name = "staging.ml.churn"
  alias      = "champion"
}

# The newest READY version in dev.
data "brickops_model_version" "dev_latest" {
  model_name = "dev.ml.churn"
}

output "candidate_run" {
  value = data.brickops_model_version.dev_latest.run_id
}
