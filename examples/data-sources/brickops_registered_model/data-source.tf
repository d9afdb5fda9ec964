data "brickops_registered_model" "staging_churn" {
  full_name = "staging.ml.churn"
}

output "staging_champion_version" {
  value = data.brickops_registered_model.staging_churn.aliases["champion"]
}
