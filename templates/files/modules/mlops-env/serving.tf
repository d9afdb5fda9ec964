# Serving: each pinned model behind a Model Serving endpoint, with the pin's
# traffic split, an inference table, a credential from a secret scope, and
# access for the ML team and the endpoint's consumers. Quality monitors
# profile the inference tables on the environment's SQL warehouse.

locals {
  # Served versions per model: every version the pin routes traffic to (a
  # blue-green standby or a shadow challenger at 0 % included), else the
  # champion alone.
  served = {
    for model, pin in var.models : model => (
      length(pin.traffic) > 0 ? { for v, pct in pin.traffic : v => pct } : { tostring(pin.version) = 100 }
    )
  }
  serving = var.serving && var.source_catalog != ""
}

# The credential the served model uses to call other services. The value
# comes from the serving_api_key variable (in CI a GitHub secret) and is
# write-only: it never reaches the plan or the state. The endpoint reads it
# through a {{secrets/<scope>/<key>}} reference, never as plain text.
resource "brickops_secret_scope" "serving" {
  count = local.serving ? 1 : 0
  name  = "mlops-${var.environment}"
}

resource "brickops_secret" "api_key" {
  count                   = local.serving ? 1 : 0
  scope                   = brickops_secret_scope.serving[0].name
  key                     = "serving-api-key"
  string_value_wo         = var.serving_api_key
  string_value_wo_version = var.serving_api_key_version
}

resource "brickops_serving_endpoint" "model" {
  for_each = local.serving ? var.models : {}
  name     = "${each.key}-${var.environment}"

  served_entities = [
    for v in sort(keys(local.served[each.key])) : {
      name                  = "v${v}"
      entity_name           = brickops_registered_model.model[each.key].full_name
      entity_version        = tostring(brickops_model_version.pinned["${each.key}/${v}"].version)
      workload_size         = var.workload_size
      scale_to_zero_enabled = var.scale_to_zero
      environment_vars      = { API_KEY = brickops_secret.api_key[0].config_reference }
    }
  ]

  traffic_config = {
    routes = [
      for v in sort(keys(local.served[each.key])) : {
        served_entity_name = "v${v}"
        traffic_percentage = local.served[each.key][v]
      }
    ]
  }

  auto_capture_config = {
    catalog_name      = brickops_schema.ml.catalog_name
    schema_name       = brickops_schema.ml.name
    table_name_prefix = each.key
  }

  tags = { environment = var.environment, model = each.key, owner = coalesce(var.owner, "unassigned") }
}

# The ML team manages the endpoint; its consumers may query it.
resource "brickops_permissions" "endpoint" {
  for_each            = brickops_serving_endpoint.model
  serving_endpoint_id = each.value.endpoint_id

  access_control {
    group_name       = var.ml_team
    permission_level = "CAN_MANAGE"
  }
  access_control {
    group_name       = var.consumers
    permission_level = "CAN_QUERY"
  }
}

# Serverless and stopped when idle (so it costs nothing unused): the compute
# of the quality monitors and of ad-hoc queries on the environment's tables.
resource "brickops_sql_warehouse" "env" {
  name                      = "mlops-${var.environment}"
  cluster_size              = "2X-Small"
  enable_serverless_compute = true
  auto_stop_mins            = 10
  max_num_clusters          = 1
}

# The monitor profiles <model>_predictions: the endpoint's requests unpacked
# from its inference table (<model>_payload), one row per record with the
# features as columns, the prediction, the served model version and the
# label once ground truth arrives. In a workspace a job writes it; the
# emulator writes it as requests arrive. The table must exist before the
# monitor, so var.monitor is turned on once the endpoint has served.
resource "brickops_quality_monitor" "inference" {
  for_each           = var.monitor ? brickops_serving_endpoint.model : {}
  table_name         = replace(each.value.inference_table_name, "/_payload$/", "_predictions")
  assets_dir         = "/Workspace${var.workspace_root}/${var.environment}/${each.key}"
  output_schema_name = "${brickops_schema.ml.catalog_name}.${brickops_schema.ml.name}"
  warehouse_id       = brickops_sql_warehouse.env.id

  inference_log = {
    granularities  = ["1 hour", "1 day"]
    timestamp_col  = "timestamp"
    model_id_col   = "model_id"
    prediction_col = "prediction"
    label_col      = "label"
    problem_type   = "PROBLEM_TYPE_CLASSIFICATION"
  }

  schedule = {
    quartz_cron_expression = "0 0 6 * * ?"
    timezone_id            = "UTC"
  }
}
