# A git folder is imported by its repo id, as for databricks_repo.
terraform import brickops_git_folder.churn 3000000000000001
