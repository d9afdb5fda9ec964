# A cluster is imported by its cluster id.
terraform import brickops_cluster.training 1125-093012-abcd1234
# Import cannot read idempotency_token (Databricks does not return it): leave it
# out of the imported configuration, or expect a replacement when you add it.
