# The shared warehouse the platform team runs.
data "brickops_sql_warehouse" "shared" {
  name = "shared-serverless"
}

output "warehouse_id" {
  value = data.brickops_sql_warehouse.shared.id
}
