# Serve the latest features per customer to model serving endpoints.
resource "brickops_online_table" "customer_features" {
  name                   = "prod.features.customer_features_online"
  source_table_full_name = "prod.features.customer_features" # e.g. brickops_feature_table.customer_features.id
  primary_key_columns    = ["customer_id"]
  timeseries_key         = "ts"
  run_triggered          = {}
}
