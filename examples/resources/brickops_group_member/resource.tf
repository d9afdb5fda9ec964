resource "brickops_group" "ml_team" {
  display_name = "ml-team"
}

# The deployment principal belongs to the ML team.
resource "brickops_group_member" "deployer" {
  group_id  = brickops_group.ml_team.id
  member_id = brickops_service_principal.deployer.id
}
