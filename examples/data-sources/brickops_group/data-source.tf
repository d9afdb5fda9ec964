# The consumers who may query the serving endpoint.
data "brickops_group" "consumers" {
  display_name = "model-consumers"
}

output "consumer_service_principals" {
  value = data.brickops_group.consumers.service_principals
}
