# The deployment principal the platform team added to the workspace.
data "brickops_service_principal" "deployer" {
  display_name = "mlops-deployer"
}

output "deployer_application_id" {
  value = data.brickops_service_principal.deployer.application_id
}
