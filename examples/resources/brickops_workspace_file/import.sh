# A workspace file is imported by its path, as for databricks_workspace_file.
terraform import brickops_workspace_file.train /Shared/mlops/churn/src/train.py
