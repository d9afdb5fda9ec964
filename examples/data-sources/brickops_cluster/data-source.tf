# A shared all-purpose cluster, found by name (or by cluster_id).
data "brickops_cluster" "shared" {
  cluster_name = "shared-ml"
}

output "shared_cluster_runtime" {
  value = data.brickops_cluster.shared.cluster_info[0].spark_version
}
