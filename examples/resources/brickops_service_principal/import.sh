# A service principal is imported by its SCIM id in the workspace, as for databricks_service_principal.
terraform import brickops_service_principal.deployer 4567890123456789
