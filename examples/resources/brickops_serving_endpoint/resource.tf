# Canary release: version 4 of the churn model gets 10% of the traffic while
# version 3 keeps serving the rest. Promote by moving the routes to 0/100,
# then drop the old entity. Requests and responses land in the inference
# table prod.ml.churn_payload, which a brickops_quality_monitor can watch.
resource "brickops_serving_endpoint" "churn" {
  name = "churn"

  served_entities = [
    {
      name                  = "champion"
      entity_name           = "prod.ml.churn"
      entity_version        = "3"
      workload_size         = "Small"
      scale_to_zero_enabled = false
    },
    {
      name                  = "challenger"
      entity_name           = "prod.ml.churn"
      entity_version        = "4"
      workload_size         = "Small"
      scale_to_zero_enabled = false
    },
  ]

  traffic_config = {
    routes = [
      { served_entity_name = "champion", traffic_percentage = 90 },
      { served_entity_name = "challenger", traffic_percentage = 10 },
    ]
  }

  auto_capture_config = {
    catalog_name      = "prod"
    schema_name       = "ml"
    table_name_prefix = "churn"
  }

  # Tags change without redeploying the model.
  tags = { team = "ml", cost_center = "42" }

  timeouts = {
    create = "45m"
    update = "45m"
  }
}
