# The team's folder: notebooks and training code go below it.
resource "brickops_directory" "mlops" {
  path             = "/Shared/mlops"
  delete_recursive = true
}
