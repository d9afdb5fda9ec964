resource "brickops_group" "ml_team" {
  display_name = "ml-team"
}

resource "brickops_service_principal" "deployer" {
  application_id = "9f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
  display_name   = "mlops-deployer"
}

# The deployment principal belongs to the ML team.
resource "brickops_group_member" "deployer" {
  group_id  = brickops_group.ml_team.id
  member_id = brickops_service_principal.deployer.id
}
