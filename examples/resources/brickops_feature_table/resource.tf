# Daily customer features, keyed by customer and feature time for
# point-in-time correct training sets.
resource "brickops_feature_table" "customer_features" {
  catalog_name = "prod"
  schema_name  = "features"
  name         = "customer_features"
  description  = "Customer spend and activity features, daily."

  columns = [
    { name = "customer_id", type_name = "LONG" },
    { name = "ts", type_name = "TIMESTAMP", comment = "Feature time" },
    { name = "spend_30d", type_name = "DOUBLE" },
    { name = "visits_7d", type_name = "INT" },
  ]
  primary_keys   = ["customer_id", "ts"]
  timeseries_key = "ts"

  tags = { team = "ml", pii = "false" }
}
