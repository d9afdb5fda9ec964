# The serverless warehouse quality monitors compute their metrics on.
resource "brickops_sql_warehouse" "monitoring" {
  name                      = "ml-monitoring"
  cluster_size              = "2X-Small"
  enable_serverless_compute = true
  auto_stop_mins            = 10

  tags {
    custom_tags {
      key   = "team"
      value = "ml"
    }
  }
}

output "warehouse_id" {
  value = brickops_sql_warehouse.monitoring.id # for brickops_quality_monitor.warehouse_id
}
