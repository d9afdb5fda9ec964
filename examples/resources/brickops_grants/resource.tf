# Data scientists browse prod; only the platform team changes it.
resource "brickops_grants" "prod_catalog" {
  catalog = "prod"

  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG", "USE_SCHEMA", "SELECT"]
  }

  grant {
    principal  = "ml-platform-admins"
    privileges = ["ALL_PRIVILEGES"]
  }
}

# The serving endpoint's service principal may load the model.
resource "brickops_grants" "churn_model" {
  registered_model = "prod.ml.churn"

  grant {
    principal  = "8c4f6a2e-1b3d-4e5f-9a7b-0c1d2e3f4a5b"
    privileges = ["EXECUTE"]
  }
}
