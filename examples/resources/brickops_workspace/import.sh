# A workspace is imported by its Azure resource id.
terraform import brickops_workspace.ml /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops-dev/providers/Microsoft.Databricks/workspaces/dbw-mlops-dev
