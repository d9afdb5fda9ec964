# A notebook is imported by its workspace path, as for databricks_notebook.
terraform import brickops_notebook.explore /Shared/mlops/churn/explore
