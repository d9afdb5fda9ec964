# A group is imported by its SCIM id in the workspace, as for databricks_group.
terraform import brickops_group.ml_team 1234567890123456
