package fidelity

// The flows the official clients run against the emulator: what issue 13
// names as their ordinary use. Terraform flows are configurations of the
// official provider (databricks/databricks); each is applied, planned with
// -detailed-exitcode (0 = no changes) and destroyed. CLI flows are
// sequences of `databricks` commands; {name} in an argument is replaced by
// a value an earlier command printed (see cliStep.save).

// tfFlow is one Terraform configuration (without the provider block).
type tfFlow struct {
	name string
	// setup prepares what the configuration refers to but the official
	// provider cannot create (a UC model version, tables), through the
	// emulator's API.
	setup func(e *env) error
	hcl   string
}

var tfFlows = []tfFlow{
	{name: "cluster_fixed", hcl: `
resource "databricks_cluster" "fixed" {
  cluster_name            = "fidelity-fixed"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 20
  is_pinned               = true
  custom_tags = {
    team = "ml"
  }
  library {
    pypi {
      package = "xgboost==2.0.3"
    }
  }
}
`},
	{name: "cluster_autoscale", hcl: `
resource "databricks_cluster" "auto" {
  cluster_name            = "fidelity-autoscale"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  autotermination_minutes = 30
  autoscale {
    min_workers = 1
    max_workers = 3
  }
}
`},
	{name: "catalog_schema_grants", hcl: `
resource "databricks_catalog" "dev" {
  name    = "fidelity_dev"
  comment = "managed by terraform"
  properties = {
    purpose = "fidelity"
  }
  force_destroy = true
}

resource "databricks_schema" "ml" {
  catalog_name = databricks_catalog.dev.id
  name         = "ml"
  comment      = "models"
}

resource "databricks_grants" "ml" {
  schema = databricks_schema.ml.id
  grant {
    principal  = "data-scientists"
    privileges = ["USE_SCHEMA", "CREATE_MODEL"]
  }
}
`},
	{name: "registered_model", hcl: `
resource "databricks_catalog" "reg" {
  name          = "fidelity_reg"
  force_destroy = true
}

resource "databricks_schema" "reg" {
  catalog_name  = databricks_catalog.reg.id
  name          = "models"
  force_destroy = true
}

resource "databricks_registered_model" "churn" {
  name         = "churn"
  catalog_name = databricks_catalog.reg.name
  schema_name  = databricks_schema.reg.name
  comment      = "churn classifier"
}
`},
	{name: "model_serving", setup: seedServedModel, hcl: `
resource "databricks_model_serving" "churn" {
  name = "fidelity-churn"
  config {
    served_entities {
      name                  = "churn-1"
      entity_name           = "fidelity_serving.models.churn"
      entity_version        = "1"
      workload_size         = "Small"
      scale_to_zero_enabled = true
    }
  }
}
`},
	{name: "quality_monitor", setup: seedTables, hcl: `
resource "databricks_quality_monitor" "inference" {
  table_name         = "fidelity_tables.data.inference"
  assets_dir         = "/Shared/fidelity/monitors/inference"
  output_schema_name = "fidelity_tables.data"
  inference_log {
    granularities        = ["1 day"]
    timestamp_col        = "ts"
    model_id_col         = "model_id"
    prediction_col       = "prediction"
    label_col            = "label"
    problem_type         = "PROBLEM_TYPE_CLASSIFICATION"
  }
}
`},
	{name: "online_table", setup: seedTables, hcl: `
resource "databricks_online_table" "features" {
  name = "fidelity_tables.data.features_online"
  spec {
    source_table_full_name = "fidelity_tables.data.features"
    primary_key_columns    = ["id"]
    run_triggered {}
  }
}
`},
	{name: "job", hcl: `
resource "databricks_job" "retrain" {
  name = "fidelity-retrain"

  job_cluster {
    job_cluster_key = "train"
    new_cluster {
      spark_version = "15.4.x-cpu-ml-scala2.12"
      node_type_id  = "Standard_DS3_v2"
      num_workers   = 2
    }
  }

  task {
    task_key        = "prepare"
    job_cluster_key = "train"
    notebook_task {
      notebook_path = "/Shared/fidelity/prepare"
    }
  }

  task {
    task_key        = "train"
    job_cluster_key = "train"
    depends_on {
      task_key = "prepare"
    }
    notebook_task {
      notebook_path = "/Shared/fidelity/train"
      base_parameters = {
        epochs = "10"
      }
    }
  }

  schedule {
    quartz_cron_expression = "0 0 3 ? * MON"
    timezone_id            = "UTC"
  }
}
`},
	{name: "secrets", hcl: `
resource "databricks_secret_scope" "app" {
  name = "fidelity-app"
}

resource "databricks_secret" "token" {
  scope        = databricks_secret_scope.app.id
  key          = "api-token"
  string_value = "not-a-real-secret"
}

resource "databricks_secret_acl" "readers" {
  scope      = databricks_secret_scope.app.id
  principal  = "users"
  permission = "READ"
}
`},
	{name: "sql_warehouse_permissions", hcl: `
resource "databricks_sql_endpoint" "bi" {
  name             = "fidelity-bi"
  cluster_size     = "2X-Small"
  max_num_clusters = 1
  auto_stop_mins   = 10
}

resource "databricks_permissions" "bi" {
  sql_endpoint_id = databricks_sql_endpoint.bi.id
  access_control {
    group_name       = "users"
    permission_level = "CAN_USE"
  }
}
`},
	{name: "policy_and_pool", hcl: `
resource "databricks_cluster_policy" "small" {
  name = "fidelity-small"
  definition = jsonencode({
    "autotermination_minutes" : { "type" : "fixed", "value" : 20 },
    "node_type_id" : { "type" : "allowlist", "values" : ["Standard_DS3_v2"] }
  })
}

resource "databricks_instance_pool" "pool" {
  instance_pool_name                    = "fidelity-pool"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 0
  max_capacity                          = 4
  idle_instance_autotermination_minutes = 10
}
`},
	{name: "notebook_and_repo", hcl: `
resource "databricks_directory" "project" {
  path = "/Shared/fidelity"
}

resource "databricks_notebook" "train" {
  path           = "${databricks_directory.project.path}/train"
  language       = "PYTHON"
  content_base64 = base64encode("# Databricks notebook source\nprint('train')\n")
}

resource "databricks_repo" "mlops" {
  url  = "https://github.com/example/mlops.git"
  path = "/Repos/fidelity/mlops"
}
`},
	{name: "identity", hcl: `
resource "databricks_service_principal" "deployer" {
  application_id       = "9f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
  display_name         = "fidelity-deployer"
  allow_cluster_create = true
}

resource "databricks_group" "ml" {
  display_name          = "fidelity-ml"
  workspace_access      = true
  databricks_sql_access = true
}

resource "databricks_group_member" "deployer" {
  group_id  = databricks_group.ml.id
  member_id = databricks_service_principal.deployer.id
}

data "databricks_service_principal" "deployer" {
  display_name = "fidelity-deployer"
  depends_on   = [databricks_service_principal.deployer]
}

data "databricks_group" "ml" {
  display_name = databricks_group.ml.display_name
  depends_on   = [databricks_group_member.deployer]
}

output "deployer_members" {
  value = data.databricks_group.ml.service_principals
}
`},
	{name: "data_sources", hcl: `
data "databricks_spark_version" "lts" {
  long_term_support = true
}

data "databricks_node_type" "smallest" {
  local_disk = true
}

data "databricks_current_user" "me" {}

output "spark_version" {
  value = data.databricks_spark_version.lts.id
}

output "node_type" {
  value = data.databricks_node_type.smallest.id
}

output "user" {
  value = data.databricks_current_user.me.user_name
}
`},
	{name: "volumes", hcl: `
resource "databricks_catalog" "files" {
  name          = "fidelity_files"
  force_destroy = true
}

resource "databricks_schema" "raw" {
  catalog_name = databricks_catalog.files.name
  name         = "raw"
}

resource "databricks_volume" "managed" {
  catalog_name = databricks_schema.raw.catalog_name
  schema_name  = databricks_schema.raw.name
  name         = "Landing"
  volume_type  = "MANAGED"
  comment      = "landing files"
  owner        = "data-engineers"
}

resource "databricks_volume" "external" {
  catalog_name     = databricks_schema.raw.catalog_name
  schema_name      = databricks_schema.raw.name
  name             = "archive"
  volume_type      = "EXTERNAL"
  storage_location = "abfss://archive@acme.dfs.core.windows.net/fidelity/"
}

data "databricks_catalog" "files" {
  name = databricks_catalog.files.name
}

data "databricks_schema" "raw" {
  name = databricks_schema.raw.id
}
`},
}

// cliStep is one `databricks` command.
type cliStep struct {
	args []string
	// save names values of the command's JSON output (top-level fields)
	// for later arguments: {"cluster": "cluster_id"}.
	save map[string]string
}

type cliFlow struct {
	name  string
	setup func(e *env) error
	steps []cliStep
}

const clusterJSON = `{"cluster_name":"fidelity-cli","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1,"autotermination_minutes":20}`

var cliFlows = []cliFlow{
	{name: "current_user", steps: []cliStep{{args: []string{"current-user", "me"}}}},
	{name: "clusters", steps: []cliStep{
		{args: []string{"clusters", "spark-versions"}},
		{args: []string{"clusters", "list-node-types"}},
		{args: []string{"clusters", "create", "--json", clusterJSON}, save: map[string]string{"cluster": "cluster_id"}},
		{args: []string{"clusters", "get", "{cluster}"}},
		{args: []string{"clusters", "list"}},
		{args: []string{"clusters", "edit", "--json", `{"cluster_id":"{cluster}","cluster_name":"fidelity-cli","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":2,"autotermination_minutes":30}`}},
		{args: []string{"clusters", "pin", "{cluster}"}},
		{args: []string{"clusters", "unpin", "{cluster}"}},
		{args: []string{"clusters", "events", "{cluster}"}},
		{args: []string{"clusters", "delete", "{cluster}"}},
		{args: []string{"clusters", "start", "{cluster}"}},
		{args: []string{"clusters", "delete", "{cluster}"}},
		{args: []string{"clusters", "permanent-delete", "{cluster}"}},
	}},
	{name: "unity_catalog", steps: []cliStep{
		{args: []string{"catalogs", "create", "fidelity_cli", "--comment", "from the CLI"}},
		{args: []string{"catalogs", "get", "fidelity_cli"}},
		{args: []string{"catalogs", "list"}},
		{args: []string{"schemas", "create", "ml", "fidelity_cli"}},
		{args: []string{"schemas", "get", "fidelity_cli.ml"}},
		{args: []string{"schemas", "list", "fidelity_cli"}},
		{args: []string{"registered-models", "create", "--json", `{"catalog_name":"fidelity_cli","schema_name":"ml","name":"churn"}`}},
		{args: []string{"registered-models", "get", "fidelity_cli.ml.churn"}},
		{args: []string{"registered-models", "list", "--catalog-name", "fidelity_cli", "--schema-name", "ml"}},
		{args: []string{"model-versions", "list", "fidelity_cli.ml.churn"}},
		{args: []string{"registered-models", "delete", "fidelity_cli.ml.churn"}},
		{args: []string{"schemas", "delete", "fidelity_cli.ml"}},
		{args: []string{"catalogs", "delete", "fidelity_cli", "--force"}},
	}},
	{name: "serving_monitors_online_tables", setup: func(e *env) error {
		if err := seedServedModel(e); err != nil {
			return err
		}
		return seedTables(e)
	}, steps: []cliStep{
		{args: []string{"model-versions", "get", "fidelity_serving.models.churn", "1"}},
		{args: []string{"serving-endpoints", "create", "--json", `{"name":"fidelity-cli","config":{"served_entities":[{"name":"churn-1","entity_name":"fidelity_serving.models.churn","entity_version":"1","workload_size":"Small","scale_to_zero_enabled":true}]}}`}},
		{args: []string{"serving-endpoints", "get", "fidelity-cli"}},
		{args: []string{"serving-endpoints", "list"}},
		{args: []string{"serving-endpoints", "delete", "fidelity-cli"}},
		{args: []string{"quality-monitors", "create", "fidelity_tables.data.inference", "--json", `{"assets_dir":"/Shared/fidelity/cli","output_schema_name":"fidelity_tables.data","snapshot":{}}`}},
		{args: []string{"quality-monitors", "get", "fidelity_tables.data.inference"}},
		{args: []string{"quality-monitors", "delete", "fidelity_tables.data.inference"}},
		{args: []string{"online-tables", "create", "--json", `{"name":"fidelity_tables.data.features_cli","spec":{"source_table_full_name":"fidelity_tables.data.features","primary_key_columns":["id"],"run_triggered":{}}}`}},
		{args: []string{"online-tables", "get", "fidelity_tables.data.features_cli"}},
		{args: []string{"online-tables", "delete", "fidelity_tables.data.features_cli"}},
	}},
	{name: "jobs", steps: []cliStep{
		{args: []string{"jobs", "create", "--json", `{"name":"fidelity-cli","tasks":[{"task_key":"train","notebook_task":{"notebook_path":"/Shared/train"},"new_cluster":{"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1}}]}`}, save: map[string]string{"job": "job_id"}},
		{args: []string{"jobs", "get", "{job}"}},
		{args: []string{"jobs", "list"}},
		{args: []string{"jobs", "run-now", "{job}", "--no-wait"}, save: map[string]string{"run": "run_id"}},
		{args: []string{"jobs", "get-run", "{run}"}},
		{args: []string{"jobs", "list-runs", "--job-id", "{job}"}},
		{args: []string{"jobs", "delete", "{job}"}},
	}},
	{name: "experiments", steps: []cliStep{
		{args: []string{"experiments", "create-experiment", "/Shared/fidelity-cli"}, save: map[string]string{"experiment": "experiment_id"}},
		{args: []string{"experiments", "get-by-name", "/Shared/fidelity-cli"}},
		{args: []string{"experiments", "get-experiment", "{experiment}"}},
		{args: []string{"experiments", "search-experiments", "--filter", "name LIKE '/Shared/fidelity%'"}},
	}},
}
