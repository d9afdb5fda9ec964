# An instance pool is imported by its id, as for databricks_instance_pool.
terraform import brickops_instance_pool.training 1130-a1b2c3-pool-d4e5f6
