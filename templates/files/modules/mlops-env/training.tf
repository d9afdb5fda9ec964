# Training: the features a model learns from, the training code from the
# repository's src/ deployed into the workspace, an MLflow experiment per
# model, and a retraining job per model that runs that code on job clusters
# under the environment's cluster policy, as the environment's service
# principal (not as whoever applied this configuration).

locals {
  # The environment's workspace folder: code, experiments, monitor dashboards.
  root = "${var.workspace_root}/${var.environment}"
  # Every Python file under the repository's src/, deployed as it is in git.
  code_dir = coalesce(var.code_dir, "${path.module}/../../src")
  code     = var.retraining ? fileset(local.code_dir, "**/*.py") : toset([])
}

# Features per model, keyed by entity and feature time for point-in-time
# correct training sets. Adapt the columns to your model.
resource "brickops_feature_table" "model" {
  for_each     = var.feature_tables ? toset(var.model_names) : toset([])
  catalog_name = brickops_schema.ml.catalog_name
  schema_name  = brickops_schema.ml.name
  name         = "${each.key}_features"
  description  = "Features of the ${each.key} model in ${var.environment}."

  columns = [
    { name = "entity_id", type_name = "LONG" },
    { name = "ts", type_name = "TIMESTAMP", comment = "Feature time" },
    { name = "feature_1", type_name = "DOUBLE" },
  ]
  primary_keys   = ["entity_id", "ts"]
  timeseries_key = "ts"
  tags           = { environment = var.environment, model = each.key }
}

resource "brickops_directory" "env" {
  count            = var.retraining ? 1 : 0
  path             = local.root
  delete_recursive = var.force_destroy
}

# The code the job runs: a change to src/ is a change to these files' md5,
# deployed by the same reviewed pull request that changes it.
resource "brickops_workspace_file" "code" {
  for_each = local.code
  path     = "${brickops_directory.env[0].path}/src/${each.key}"
  source   = "${local.code_dir}/${each.key}"
}

# Where the training runs of each model log their parameters and metrics.
resource "brickops_mlflow_experiment" "model" {
  for_each = var.retraining ? toset(var.model_names) : toset([])
  name     = "${brickops_directory.env[0].path}/${each.key}-training"
}

# Job clusters may only be what training needs: an ML runtime, vetted VM
# sizes, bounded autoscaling, tagged with the environment for cost reports.
resource "brickops_cluster_policy" "training" {
  count = var.retraining ? 1 : 0
  name  = "mlops-${var.environment}-training"
  definition = jsonencode({
    "spark_version"           = { type = "allowlist", values = [var.spark_version] }
    "node_type_id"            = { type = "allowlist", values = var.node_types, defaultValue = var.node_types[0] }
    "autoscale.max_workers"   = { type = "range", maxValue = var.max_workers }
    "custom_tags.environment" = { type = "fixed", value = var.environment }
  })
}

# The identity the retraining jobs run as: a service principal rather than a
# person, so schedules survive people leaving and runs get only its rights.
# On Azure, set run_as_application_id to an Entra ID application (client) id;
# left null, the workspace generates one (a Databricks-managed principal).
resource "brickops_service_principal" "jobs" {
  count          = var.retraining ? 1 : 0
  display_name   = "mlops-${var.environment}-jobs"
  application_id = var.run_as_application_id
}

# It may create clusters under the policy, and read and write what training
# touches in the environment's catalog.
resource "brickops_permissions" "training_policy" {
  count             = var.retraining ? 1 : 0
  cluster_policy_id = brickops_cluster_policy.training[0].policy_id

  access_control {
    service_principal_name = brickops_service_principal.jobs[0].application_id
    permission_level       = "CAN_USE"
  }
}

resource "brickops_grants" "training" {
  count   = var.retraining ? 1 : 0
  catalog = brickops_catalog.env.name

  grant {
    principal  = brickops_service_principal.jobs[0].application_id
    privileges = ["USE_CATALOG", "USE_SCHEMA", "SELECT", "MODIFY", "CREATE_TABLE", "CREATE_MODEL"]
  }
}

# Continuous training: every Monday the model is retrained on fresh features
# and a new version registered in this environment, ready to be promoted.
# Environments that receive models by promotion deploy it paused.
resource "brickops_job" "retrain" {
  for_each = var.retraining ? toset(var.model_names) : toset([])
  name     = "retrain-${each.key}-${var.environment}"
  tags     = { environment = var.environment, model = each.key }

  job_clusters = [{
    job_cluster_key = "train"
    new_cluster = {
      policy_id     = brickops_cluster_policy.training[0].policy_id
      spark_version = var.spark_version
      node_type_id  = var.node_types[0]
      autoscale     = { min_workers = 1, max_workers = var.max_workers }
      custom_tags   = { environment = var.environment }
    }
  }]

  tasks = [
    {
      task_key        = "prepare"
      job_cluster_key = "train"
      spark_python_task = {
        python_file = brickops_workspace_file.code["prepare.py"].workspace_path
        parameters  = ["--features", "${brickops_schema.ml.catalog_name}.${brickops_schema.ml.name}.${each.key}_features"]
      }
    },
    {
      task_key        = "train"
      job_cluster_key = "train"
      depends_on      = [{ task_key = "prepare" }]
      spark_python_task = {
        python_file = brickops_workspace_file.code["train.py"].workspace_path
        parameters = concat([
          "--features", "${brickops_schema.ml.catalog_name}.${brickops_schema.ml.name}.${each.key}_features",
          "--model", brickops_registered_model.model[each.key].full_name,
          "--experiment", brickops_mlflow_experiment.model[each.key].name,
        ], var.training_task_parameters)
      }
      max_retries = 1
    },
  ]

  schedule = {
    quartz_cron_expression = "0 0 3 ? * MON"
    timezone_id            = "UTC"
    pause_status           = var.retraining_paused ? "PAUSED" : "UNPAUSED"
  }

  run_as              = { service_principal_name = brickops_service_principal.jobs[0].application_id }
  email_notifications = { on_failure = var.notifications }
}

# The ML team manages the retraining job (runs it, edits it, sees its runs).
resource "brickops_permissions" "retrain" {
  for_each = brickops_job.retrain
  job_id   = each.value.id

  access_control {
    group_name       = var.ml_team
    permission_level = "CAN_MANAGE"
  }
}
