# An MLOps stack that composes every workspace resource of the provider: a
# dev environment where a model is trained on a cluster and retrained by a
# job, registered in Unity Catalog from its MLflow run, served behind an
# endpoint whose inference table a quality monitor watches, with features
# online, credentials in a secret scope, and access granted to the teams.
# brickops_workspace, which creates the workspace itself through Azure
# Resource Manager, has its own example (examples/resources/brickops_workspace).
#
# Against the local emulator (credentials from DATABRICKS_HOST and
# DATABRICKS_TOKEN):
#   brickops emulator seed --model dev.ml.churn --metric val_auc=0.87 --no-register
#   terraform apply -var training_run_id=<the run id it prints>
terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

provider "brickops" {}

variable "training_run_id" {
  description = "MLflow run that trained the model (brickops emulator seed --no-register prints one)."
  type        = string
}

variable "openai_api_key" {
  description = "Key the serving side reads from the secret scope; write-only, never in state."
  type        = string
  sensitive   = true
  default     = "sk-example"
}

data "brickops_spark_version" "ml" {
  long_term_support = true
  ml                = true
}

data "brickops_node_type" "small" {
  min_cores = 4
}

# Training clusters come from a warm pool, under a policy that keeps them on
# an ML runtime, stopping when idle.
resource "brickops_instance_pool" "training" {
  instance_pool_name                    = "dev-ml-training"
  node_type_id                          = data.brickops_node_type.small.id
  min_idle_instances                    = 0
  max_capacity                          = 10
  idle_instance_autotermination_minutes = 15
}

resource "brickops_cluster_policy" "training" {
  name = "dev-ml-training"
  definition = jsonencode({
    "spark_version"           = { type = "allowlist", values = [data.brickops_spark_version.ml.id] }
    "autotermination_minutes" = { type = "range", maxValue = 60, defaultValue = 30 }
  })
}

# Where training runs log their parameters and metrics.
resource "brickops_mlflow_experiment" "churn" {
  name = "/Shared/mlops/churn-training"
}

# The dev environment's training cluster.
resource "brickops_cluster" "training" {
  cluster_name            = "dev-churn-training"
  spark_version           = data.brickops_spark_version.ml.id
  node_type_id            = data.brickops_node_type.small.id
  autotermination_minutes = 30

  autoscale = {
    min_workers = 1
    max_workers = 3
  }

  custom_tags = {
    environment = "dev"
    owner       = "ml-platform@example.com"
  }
}

# Unity Catalog: the environment's catalog, with models and features.
resource "brickops_catalog" "dev" {
  name          = "dev"
  comment       = "Development environment"
  force_destroy = true
}

# Holds the inference table and the monitor's metric tables too, which
# Terraform does not manage: destroying dev drops them with the schema.
resource "brickops_schema" "ml" {
  catalog_name  = brickops_catalog.dev.name
  name          = "ml"
  force_destroy = true
}

resource "brickops_schema" "features" {
  catalog_name = brickops_catalog.dev.name
  name         = "features"
}

# Files the retraining job reads: feature snapshots and reference data, at
# /Volumes/dev/ml/training_data.
resource "brickops_volume" "training_data" {
  catalog_name = brickops_schema.ml.catalog_name
  schema_name  = brickops_schema.ml.name
  name         = "training_data"
  volume_type  = "MANAGED"
  comment      = "Feature snapshots the retraining job reads"
}

resource "brickops_grants" "dev" {
  catalog = brickops_catalog.dev.name

  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG", "USE_SCHEMA", "SELECT"]
  }
}

resource "brickops_registered_model" "churn" {
  catalog_name = brickops_schema.ml.catalog_name
  schema_name  = brickops_schema.ml.name
  name         = "churn"
  comment      = "Predicts 30-day customer churn"
}

resource "brickops_model_version" "churn" {
  model_name  = brickops_registered_model.churn.id
  source      = "runs:/${var.training_run_id}/model"
  run_id      = var.training_run_id
  description = "Trained on the training cluster"
}

resource "brickops_model_alias" "champion" {
  model_name = brickops_registered_model.churn.id
  alias      = "champion"
  version    = brickops_model_version.churn.version
}

# Features, and their latest values online for serving.
resource "brickops_feature_table" "customers" {
  catalog_name = brickops_schema.features.catalog_name
  schema_name  = brickops_schema.features.name
  name         = "customers"

  columns = [
    { name = "customer_id", type_name = "LONG" },
    { name = "ts", type_name = "TIMESTAMP", comment = "Feature time" },
    { name = "spend_30d", type_name = "DOUBLE" },
  ]
  primary_keys   = ["customer_id", "ts"]
  timeseries_key = "ts"
}

resource "brickops_online_table" "customers" {
  name                   = "${brickops_feature_table.customers.id}_online"
  source_table_full_name = brickops_feature_table.customers.id
  primary_key_columns    = ["customer_id"]
  timeseries_key         = brickops_feature_table.customers.timeseries_key
  run_triggered          = {}
}

# Serving, with requests and responses captured in an inference table that
# a quality monitor profiles daily on a SQL warehouse.
resource "brickops_serving_endpoint" "churn" {
  name = "churn-dev"

  served_entities = [{
    name                  = "champion"
    entity_name           = brickops_registered_model.churn.id
    entity_version        = brickops_model_version.churn.version
    workload_size         = "Small"
    scale_to_zero_enabled = true
  }]

  auto_capture_config = {
    catalog_name = brickops_schema.ml.catalog_name
    schema_name  = brickops_schema.ml.name
  }
}

resource "brickops_sql_warehouse" "monitoring" {
  name                      = "ml-monitoring"
  cluster_size              = "2X-Small"
  enable_serverless_compute = true
  auto_stop_mins            = 10
}

resource "brickops_quality_monitor" "churn" {
  table_name         = brickops_serving_endpoint.churn.inference_table_name
  assets_dir         = "/Workspace/Shared/monitoring/churn-dev"
  output_schema_name = "${brickops_schema.ml.catalog_name}.${brickops_schema.ml.name}"
  warehouse_id       = brickops_sql_warehouse.monitoring.id

  inference_log = {
    granularities  = ["1 day"]
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

# The team's workspace folder: the training notebook and code, and the model
# repository checked out at a release tag.
resource "brickops_directory" "mlops" {
  path             = "/Shared/mlops"
  delete_recursive = true
}

resource "brickops_notebook" "train" {
  path           = "${brickops_directory.mlops.path}/churn/train"
  language       = "PYTHON"
  content_base64 = base64encode("# Databricks notebook source\nimport churn\nchurn.train()\n")
}

resource "brickops_workspace_file" "features" {
  path           = "${brickops_directory.mlops.path}/churn/features.py"
  content_base64 = base64encode("def spend_30d(df):\n    return df.groupBy('customer_id').sum('amount')\n")
}

resource "brickops_git_folder" "churn" {
  url  = "https://github.com/acme/churn-model.git"
  path = "/Repos/ml-platform/churn-model"
  tag  = "v1.4.0"
}

# Weekly retraining, which the ML engineers manage.
resource "brickops_job" "retrain" {
  name = "churn-retrain"

  tasks = [{
    task_key            = "train"
    existing_cluster_id = brickops_cluster.training.cluster_id
    notebook_task = {
      notebook_path = brickops_notebook.train.path
      base_parameters = {
        model         = brickops_registered_model.churn.id
        training_data = brickops_volume.training_data.volume_path
      }
    }
  }]

  schedule = {
    quartz_cron_expression = "0 0 3 ? * MON"
    timezone_id            = "UTC"
  }
}

# Who works on the stack: the ML engineers' group, and the service principal
# CI deploys with (on Azure, its Entra ID application), which is one of them.
resource "brickops_group" "ml_engineers" {
  display_name          = "ml-engineers"
  workspace_access      = true
  databricks_sql_access = true
}

resource "brickops_service_principal" "deployer" {
  application_id       = "9f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
  display_name         = "mlops-deployer"
  allow_cluster_create = true
}

resource "brickops_group_member" "deployer" {
  group_id  = brickops_group.ml_engineers.id
  member_id = brickops_service_principal.deployer.id
}

resource "brickops_permissions" "retrain" {
  job_id = brickops_job.retrain.id

  access_control {
    group_name       = brickops_group.ml_engineers.display_name
    permission_level = "CAN_MANAGE"
  }
  access_control {
    service_principal_name = brickops_service_principal.deployer.application_id
    permission_level       = "CAN_MANAGE_RUN"
  }
}

# Credentials the training job and the endpoint read.
resource "brickops_secret_scope" "ml" {
  name = "ml-dev"
}

resource "brickops_secret" "openai" {
  scope                   = brickops_secret_scope.ml.name
  key                     = "openai-api-key"
  string_value_wo         = var.openai_api_key
  string_value_wo_version = 1
}

resource "brickops_secret_acl" "ml_engineers" {
  scope      = brickops_secret_scope.ml.name
  principal  = brickops_group.ml_engineers.display_name
  permission = "READ"
}

output "training_cluster_id" {
  value = brickops_cluster.training.cluster_id
}

output "champion_version" {
  value = brickops_model_alias.champion.version
}
