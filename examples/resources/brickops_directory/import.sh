# A directory is imported by its path, as for databricks_directory.
terraform import brickops_directory.mlops /Shared/mlops
