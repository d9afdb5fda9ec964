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
  description = "Let `terraform destroy` delete catalogs and models that still hold versions (demos and tests)."
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
