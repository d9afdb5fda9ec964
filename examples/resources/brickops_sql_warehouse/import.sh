# A SQL warehouse is imported by its id, as for databricks_sql_endpoint.
terraform import brickops_sql_warehouse.monitoring 0123456789abcdef
