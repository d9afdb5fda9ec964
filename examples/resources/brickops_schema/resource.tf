resource "brickops_catalog" "prod" {
  name = "prod"
}

# The schema holding the registered models of the production environment.
resource "brickops_schema" "ml" {
  catalog_name = brickops_catalog.prod.name
  name         = "ml"
  comment      = "Registered models served in production"
  owner        = "ml-platform-admins"
}
