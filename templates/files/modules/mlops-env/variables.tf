variable "environment" {
  description = "Environment name (dev, staging, prod)."
  type        = string
}

variable "catalog" {
  description = "Unity Catalog catalog that holds this environment's models."
  type        = string
}

variable "source_catalog" {
  description = "Catalog of the previous environment, where pinned versions are copied from. Empty for the first environment."
  type        = string
  default     = ""
}

variable "schema" {
  description = "Schema holding the models in every environment."
  type        = string
  default     = "ml"
}

variable "model_names" {
  description = "Registered models managed in this environment."
  type        = list(string)
}

variable "owner" {
  description = "Owner of the registered models: a group, so ownership survives people leaving."
  type        = string
  default     = null
}

variable "alias" {
  description = "Alias that marks the serving version of each model."
  type        = string
  default     = "champion"
}

variable "models" {
  description = <<-EOT
    The pins, written by `brickops promote` into models.auto.tfvars.json: for each model, the
    version of the previous environment's model to serve (`version`), an optional `challenger`
    and `standby`, the rollout `strategy` and the serving `traffic` per version.
  EOT
  type = map(object({
    version    = number
    challenger = optional(number)
    standby    = optional(number)
    strategy   = optional(string, "recreate")
    traffic    = optional(map(number), {})
  }))
  default = {}
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete catalogs and models that still hold versions, and the environment's workspace folder with what is in it (demos and tests)."
  type        = bool
  default     = false
}

variable "serving" {
  description = "Serve each pinned model on a Model Serving endpoint named after it, with the pin's traffic split and an inference table."
  type        = bool
  default     = false
}

variable "scale_to_zero" {
  description = "Let endpoints scale to zero when idle (cheap for staging; production should stay warm)."
  type        = bool
  default     = true
}

variable "workload_size" {
  description = "Serving capacity per served version: Small, Medium or Large."
  type        = string
  default     = "Small"
}

variable "monitor" {
  description = "Put a quality monitor on each endpoint's inference table (drift and quality metrics, daily)."
  type        = bool
  default     = false
}

variable "feature_tables" {
  description = "Create a feature table per model (<model>_features, keyed by entity and time) that training and online serving share."
  type        = bool
  default     = true
}

variable "retraining" {
  description = "Deploy the training code (src/), an MLflow experiment and a weekly retraining job per model, run as a service principal on job clusters under a cluster policy."
  type        = bool
  default     = false
}

variable "retraining_paused" {
  description = "Deploy the retraining job paused: environments that receive their models by promotion keep it ready without training on a schedule."
  type        = bool
  default     = false
}

variable "training_task_parameters" {
  description = "Extra parameters of the retraining job's train task, after --features, --model and --experiment."
  type        = list(string)
  default     = []
}

variable "code_dir" {
  description = "Local folder whose Python files are deployed to <workspace_root>/<environment>/src and run by the retraining job; default the repository's src/."
  type        = string
  default     = null
}

variable "workspace_root" {
  description = "Workspace folder holding one folder per environment: training code, experiments, monitor dashboards."
  type        = string
  default     = "/Shared/brickops"
}

variable "run_as_application_id" {
  description = "Entra ID application (client) id of the service principal the retraining jobs run as (Azure). Null: the workspace generates one."
  type        = string
  default     = null
}

variable "spark_version" {
  description = "Databricks Runtime of the job clusters (an ML runtime); the cluster policy allows only this one."
  type        = string
  default     = "15.4.x-cpu-ml-scala2.12"
}

variable "node_types" {
  description = "VM sizes the cluster policy allows for job clusters; the job uses the first."
  type        = list(string)
  default     = ["Standard_DS3_v2", "Standard_DS4_v2"]
}

variable "max_workers" {
  description = "Most workers a job cluster may scale to under the cluster policy."
  type        = number
  default     = 4
}

variable "notifications" {
  description = "Addresses told when a retraining job fails."
  type        = list(string)
  default     = []
}

variable "ml_team" {
  description = "Group that manages the retraining jobs and serving endpoints (CAN_MANAGE)."
  type        = string
  default     = "ml-engineers"
}

variable "consumers" {
  description = "Group whose members and applications may query the serving endpoints (CAN_QUERY)."
  type        = string
  default     = "ml-consumers"
}

variable "serving_api_key" {
  description = "Credential the served models read from the environment's secret scope (API_KEY, through a {{secrets/...}} reference). Ephemeral and write-only: never in plan or state. Required with serving."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "serving_api_key_version" {
  description = "Bump it to write a rotated serving_api_key (Terraform cannot see a write-only value change)."
  type        = number
  default     = 1
}
