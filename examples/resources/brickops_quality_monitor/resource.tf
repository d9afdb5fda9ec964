# Monitor the inference table of the churn endpoint daily; apply returns once
# the profile and drift metric tables exist.
resource "brickops_quality_monitor" "churn" {
  table_name         = "prod.ml.churn_payload" # e.g. brickops_serving_endpoint.churn.inference_table_name
  assets_dir         = "/Workspace/Shared/monitoring/churn"
  output_schema_name = "prod.monitoring"

  inference_log = {
    granularities  = ["1 hour", "1 day"]
    timestamp_col  = "timestamp_ms"
    model_id_col   = "client_request_id"
    prediction_col = "response"
    problem_type   = "PROBLEM_TYPE_CLASSIFICATION"
  }

  schedule = {
    quartz_cron_expression = "0 0 6 * * ?" # daily at 06:00
    timezone_id            = "UTC"
  }

  slicing_exprs = ["status_code"]

  custom_metrics = [{
    name             = "error_rate"
    definition       = "avg(case when status_code >= 400 then 1.0 else 0.0 end)"
    input_columns    = [":table"]
    output_data_type = "double"
    type             = "CUSTOM_METRIC_TYPE_AGGREGATE"
  }]

  notifications = { on_failure = { email_addresses = ["ml-oncall@example.com"] } }
}
