resource "brickops_secret_scope" "serving" {
  name = "ml-serving"
}

# The ML engineers may read the serving credentials, not change them.
resource "brickops_secret_acl" "ml_engineers" {
  scope      = brickops_secret_scope.serving.name
  principal  = "ml-engineers"
  permission = "READ"
}
