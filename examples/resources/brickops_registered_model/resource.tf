resource "brickops_registered_model" "churn" {
  catalog_name = "prod"
  schema_name  = "ml"
  name         = "churn"
  comment      = "Predicts 30-day customer churn"
  owner        = "ml-platform-admins"
}
