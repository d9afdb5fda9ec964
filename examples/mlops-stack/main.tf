# The BrickOps demo stack: what `make demo` applies against the local
# emulator. Credentials come from DATABRICKS_HOST / DATABRICKS_TOKEN.
terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

provider "brickops" {}

data "brickops_spark_version" "ml" {
  long_term_support = true
  ml                = true
}

data "brickops_node_type" "small" {
  min_cores = 4
}

# The dev environment's training cluster.
resource "brickops_cluster" "training" {
  cluster_name            = "dev-churn-training"
  spark_version           = data.brickops_spark_version.ml.id
  node_type_id            = data.brickops_node_type.small.id
  autotermination_minutes = 30

  autoscale = {
    min_workers = 1
    max_workers = 3
  }

  custom_tags = {
    environment = "dev"
    owner       = "ml-platform@example.com"
  }
}

output "training_cluster_id" {
  value = brickops_cluster.training.cluster_id
}
