data "brickops_spark_version" "ml" {
  long_term_support = true
  ml                = true
}

data "brickops_node_type" "small" {
  min_cores = 4
}

# A shared training cluster that scales with load and shuts down when idle.
resource "brickops_cluster" "training" {
  cluster_name            = "churn-training"
  spark_version           = data.brickops_spark_version.ml.id
  node_type_id            = data.brickops_node_type.small.id
  autotermination_minutes = 30
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "ml-team@example.com"

  autoscale = {
    min_workers = 1
    max_workers = 4
  }

  custom_tags = {
    team  = "ml-platform"
    owner = "ml-team@example.com"
  }

  spark_conf = {
    "spark.databricks.io.cache.enabled" = "true"
  }

  timeouts = {
    create = "20m"
  }
}
