# A cluster policy is imported by its id, as for databricks_cluster_policy.
terraform import brickops_cluster_policy.training E0631F5C0D000AB7
