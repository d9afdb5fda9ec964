terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

resource "brickops_catalog" "env" {
  name          = var.catalog
  comment       = "${var.environment} environment, managed by BrickOps"
  force_destroy = var.force_destroy
}

resource "brickops_schema" "ml" {
  catalog_name  = brickops_catalog.env.name
  name          = var.schema
  force_destroy = var.force_destroy
}

resource "brickops_registered_model" "model" {
  for_each      = toset(var.model_names)
  catalog_name  = brickops_schema.ml.catalog_name
  schema_name   = brickops_schema.ml.name
  name          = each.key
  comment       = "${each.key} in ${var.environment}: promoted through BrickOps pull requests"
  owner         = var.owner
  force_destroy = var.force_destroy
}

locals {
  # One copy per pinned version (champion, challenger, standby), keyed
  # "<model>/<source version>" so that moving a pin creates the new copy
  # and retires the old one without touching the others.
  copies = merge([
    for model, pin in var.models : {
      for v in distinct([for x in [pin.version, pin.challenger, pin.standby] : x if x != null]) :
      "${model}/${v}" => { model = model, version = v }
    }
  ]...)
}

# The source versions, for their tags: a copy of a validated version is
# validated (validation_status and the like carry over); lineage tags are
# the provider's to write.
data "brickops_model_version" "source" {
  for_each   = var.source_catalog == "" ? {} : local.copies
  model_name = "${var.source_catalog}.${var.schema}.${each.value.model}"
  version    = each.value.version
}

resource "brickops_model_version" "pinned" {
  for_each   = var.source_catalog == "" ? {} : local.copies
  model_name = brickops_registered_model.model[each.value.model].full_name
  copy_from  = "${var.source_catalog}.${var.schema}.${each.value.model}/${each.value.version}"
  tags = merge(
    { for k, v in data.brickops_model_version.source[each.key].tags : k => v if !startswith(k, "brickops.lineage.") },
    { promoted_to = var.environment },
  )

  # The alias moves to the new copy before the old one is deleted (a version
  # an alias points at cannot be deleted).
  lifecycle {
    create_before_destroy = true
  }
}

resource "brickops_model_alias" "champion" {
  for_each   = var.source_catalog == "" ? {} : var.models
  model_name = brickops_registered_model.model[each.key].full_name
  alias      = var.alias
  version    = brickops_model_version.pinned["${each.key}/${each.value.version}"].version
}

locals {
  # Served versions per model: every version the pin routes traffic to (a
  # blue-green standby or a shadow challenger at 0 % included), else the
  # champion alone.
  served = {
    for model, pin in var.models : model => (
      length(pin.traffic) > 0 ? { for v, pct in pin.traffic : v => pct } : { tostring(pin.version) = 100 }
    )
  }
}

resource "brickops_serving_endpoint" "model" {
  for_each = var.serving && var.source_catalog != "" ? var.models : {}
  name     = "${each.key}-${var.environment}"

  served_entities = [
    for v in sort(keys(local.served[each.key])) : {
      name                  = "v${v}"
      entity_name           = brickops_registered_model.model[each.key].full_name
      entity_version        = tostring(brickops_model_version.pinned["${each.key}/${v}"].version)
      workload_size         = var.workload_size
      scale_to_zero_enabled = var.scale_to_zero
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

resource "brickops_quality_monitor" "inference" {
  for_each           = var.monitor ? brickops_serving_endpoint.model : {}
  table_name         = each.value.inference_table_name
  assets_dir         = "/Workspace/Shared/brickops/${var.environment}/${each.key}"
  output_schema_name = "${brickops_schema.ml.catalog_name}.${brickops_schema.ml.name}"

  inference_log = {
    granularities  = ["1 hour", "1 day"]
    timestamp_col  = "timestamp_ms"
    model_id_col   = "client_request_id"
    prediction_col = "response"
    problem_type   = "PROBLEM_TYPE_CLASSIFICATION"
  }

  schedule = {
    quartz_cron_expression = "0 0 6 * * ?"
    timezone_id            = "UTC"
  }
}
