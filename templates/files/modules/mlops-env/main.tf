terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

# One environment of the MLOps estate. This file holds the models and their
# promotion (catalog, schema, registered models, pinned copies, the alias);
# training.tf what trains them (code, experiments, the retraining job and the
# identity and policy it runs under); serving.tf what serves and watches
# them (endpoints, their secret, the SQL warehouse, quality monitors).

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
