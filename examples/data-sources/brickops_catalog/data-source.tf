# The production catalog another team manages.
data "brickops_catalog" "prod" {
  name = "prod"
}

output "prod_catalog_owner" {
  value = data.brickops_catalog.prod.catalog_info[0].owner
}
