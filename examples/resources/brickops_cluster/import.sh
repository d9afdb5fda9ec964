# A cluster is imported by its cluster id.
terraform import brickops_cluster.training 1125-093012-abcd1234
