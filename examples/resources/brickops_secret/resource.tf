variable "openai_api_key" {
  type      = string
  sensitive = true
}

resource "brickops_secret_scope" "serving" {
  name = "ml-serving"
}

# Write-only (Terraform 1.11+): the key never reaches plan or state.
# Bump string_value_wo_version to write a rotated key.
resource "brickops_secret" "openai" {
  scope                   = brickops_secret_scope.serving.name
  key                     = "openai-api-key"
  string_value_wo         = var.openai_api_key
  string_value_wo_version = 1
}

# A serving endpoint or job reads it through the reference:
output "openai_reference" {
  value = brickops_secret.openai.config_reference # {{secrets/ml-serving/openai-api-key}}
}
