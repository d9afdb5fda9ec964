# An endpoint another stack deploys: let the consumers query it.
data "brickops_serving_endpoint" "churn" {
  name = "churn-prod"
}

resource "brickops_permissions" "churn_endpoint" {
  serving_endpoint_id = data.brickops_serving_endpoint.churn.id

  access_control {
    group_name       = "churn-consumers"
    permission_level = "CAN_QUERY"
  }
}

output "served_version" {
  value = data.brickops_serving_endpoint.churn.config[0].served_entities[0].entity_version
}
