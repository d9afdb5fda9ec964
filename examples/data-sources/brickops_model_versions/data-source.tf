# Every dev version that passed validation, newest first.
data "brickops_model_versions" "validated" {
  model_name = "dev.ml.churn"
  status     = "READY"

  tags = {
    validated = "true"
  }
}

output "validated_versions" {
  value = [for v in data.brickops_model_versions.validated.versions : v.version]
}
