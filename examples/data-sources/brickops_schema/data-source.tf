# The schema whose registered models production serves.
data "brickops_schema" "ml" {
  name = "prod.ml"
}

output "ml_schema_storage" {
  value = data.brickops_schema.ml.schema_info[0].storage_location
}
