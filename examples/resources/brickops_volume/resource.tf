# Training data lands in a managed volume of the environment's schema; read
# it from jobs and notebooks at its volume_path (/Volumes/prod/ml/training_data).
resource "brickops_volume" "training_data" {
  catalog_name = "prod"
  schema_name  = "ml"
  name         = "training_data"
  volume_type  = "MANAGED"
  comment      = "Feature snapshots the retraining job reads"
  owner        = "ml-platform-admins"
}

# Raw files the data platform already writes to an external location.
resource "brickops_volume" "landing" {
  catalog_name     = "prod"
  schema_name      = "ml"
  name             = "landing"
  volume_type      = "EXTERNAL"
  storage_location = "abfss://landing@mlopsprod.dfs.core.windows.net/churn"
}

output "training_data_path" {
  value = brickops_volume.training_data.volume_path
}
