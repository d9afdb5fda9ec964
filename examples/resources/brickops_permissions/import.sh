# Permissions are imported by the object's permissions path, as for
# databricks_permissions: /jobs/<id>, /clusters/<id>, /serving-endpoints/<id>,
# /experiments/<id>, /sql/warehouses/<id>, /notebooks/<id>, …
terraform import brickops_permissions.retrain /jobs/123
