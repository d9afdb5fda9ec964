output "catalog" {
  description = "The environment's catalog."
  value       = brickops_catalog.env.name
}

output "models" {
  description = "Full names of the environment's registered models."
  value       = { for k, m in brickops_registered_model.model : k => m.full_name }
}

output "champions" {
  description = "For each pinned model, the version the alias points at in this environment."
  value       = { for k, a in brickops_model_alias.champion : k => a.version }
}

output "endpoints" {
  description = "Serving endpoint per model."
  value       = { for k, e in brickops_serving_endpoint.model : k => e.name }
}

output "retraining_jobs" {
  description = "Retraining job id per model."
  value       = { for k, j in brickops_job.retrain : k => j.id }
}

output "experiments" {
  description = "MLflow experiment per model, where training runs log."
  value       = { for k, e in brickops_mlflow_experiment.model : k => e.name }
}

output "sql_warehouse_id" {
  description = "The environment's SQL warehouse (quality monitors, ad-hoc queries)."
  value       = brickops_sql_warehouse.env.id
}
