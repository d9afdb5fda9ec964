# The reliability suite's stack: every BrickOps resource type, 35 instances,
# applied while the emulator loses answers and throttles
# (lostanswers.go). Credentials come from DATABRICKS_HOST / _TOKEN.
terraform {
  required_providers {
    brickops = { source = "brickops/brickops" }
  }
}

provider "brickops" {}

locals {
  # Two schemas per catalog, three models per catalog.
  schemas = { for i in range(4) : "s${i}" => { catalog = brickops_catalog.c[i % 2].name, name = "s${i}" } }
  models  = { for i in range(6) : "m${i}" => { schema = "s${i % 4}", name = "m${i}" } }
}

resource "brickops_catalog" "c" {
  count         = 2
  name          = "rel_c${count.index}"
  comment       = "reliability suite"
  force_destroy = true
}

resource "brickops_schema" "s" {
  for_each     = local.schemas
  catalog_name = each.value.catalog
  name         = each.value.name
  comment      = "schema ${each.key}"
  # Monitors, online tables and serving endpoints leave service-made
  # tables in the schema.
  force_destroy = true
}

resource "brickops_registered_model" "m" {
  for_each      = local.models
  catalog_name  = brickops_schema.s[each.value.schema].catalog_name
  schema_name   = brickops_schema.s[each.value.schema].name
  name          = each.value.name
  comment       = "model ${each.key}"
  force_destroy = true
}

resource "brickops_model_version" "v" {
  for_each   = local.models
  model_name = brickops_registered_model.m[each.key].full_name
  source     = "dbfs:/models/${each.key}"
  tags       = { trained_by = "reliability" }
}

resource "brickops_model_alias" "champion" {
  for_each   = toset(["m0", "m1"])
  model_name = brickops_registered_model.m[each.key].full_name
  alias      = "champion"
  version    = brickops_model_version.v[each.key].version
}

resource "brickops_grants" "catalog" {
  catalog = brickops_catalog.c[0].name
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
}

resource "brickops_grants" "schema" {
  schema = "${brickops_schema.s["s0"].catalog_name}.${brickops_schema.s["s0"].name}"
  grant {
    principal  = "data-scientists"
    privileges = ["USE_SCHEMA", "SELECT"]
  }
}

resource "brickops_grants" "model" {
  registered_model = brickops_registered_model.m["m0"].full_name
  grant {
    principal  = "serving-sp"
    privileges = ["EXECUTE"]
  }
}

resource "brickops_serving_endpoint" "ep" {
  name = "rel-ep"
  served_entities = [{
    name                  = "champion"
    entity_name           = brickops_model_version.v["m0"].model_name
    entity_version        = brickops_model_version.v["m0"].version
    workload_size         = "Small"
    scale_to_zero_enabled = true
  }]
}

resource "brickops_feature_table" "f" {
  count        = 2
  catalog_name = brickops_schema.s["s1"].catalog_name
  schema_name  = brickops_schema.s["s1"].name
  name         = "features_${count.index}"
  description  = "features ${count.index}"
  columns = [
    { name = "customer_id", type_name = "LONG" },
    { name = "ts", type_name = "TIMESTAMP" },
    { name = "spend_30d", type_name = "DOUBLE" },
  ]
  primary_keys   = ["customer_id", "ts"]
  timeseries_key = "ts"
  tags           = { team = "ml" }
}

resource "brickops_online_table" "o" {
  name                   = "${brickops_feature_table.f[0].id}_online"
  source_table_full_name = brickops_feature_table.f[0].id
  primary_key_columns    = ["customer_id"]
  timeseries_key         = brickops_feature_table.f[0].timeseries_key
  run_triggered          = {}
}

resource "brickops_quality_monitor" "q" {
  table_name         = brickops_feature_table.f[1].id
  assets_dir         = "/Workspace/Shared/monitoring/rel"
  output_schema_name = "${brickops_schema.s["s1"].catalog_name}.${brickops_schema.s["s1"].name}"
  snapshot           = {}
}

resource "brickops_cluster" "k" {
  count                   = 4
  cluster_name            = "rel-k${count.index}"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 30
}

resource "brickops_job" "j" {
  count = 3
  name  = "rel-j${count.index}"
  tasks = [{
    task_key            = "train"
    existing_cluster_id = brickops_cluster.k[count.index].cluster_id
    notebook_task       = { notebook_path = "/Repos/ml/train" }
  }]
}
