# The smallest VM size with at least 8 cores and 32 GB of memory.
data "brickops_node_type" "worker" {
  min_cores     = 8
  min_memory_gb = 32
}

output "node_type" {
  value = data.brickops_node_type.worker.id
}
