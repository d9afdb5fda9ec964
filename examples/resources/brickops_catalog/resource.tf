# One catalog per environment.
resource "brickops_catalog" "staging" {
  name    = "staging"
  comment = "Models and features validated for production"
  owner   = "ml-platform-admins"

  properties = {
    environment = "staging"
  }
}

# A sandbox that may be torn down with everything in it.
resource "brickops_catalog" "sandbox" {
  name          = "sandbox_alice"
  force_destroy = true
}
