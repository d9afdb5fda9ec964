# Job clusters of the retraining job run an ML runtime, stop when idle and
# carry the team tag.
resource "brickops_cluster_policy" "training" {
  name = "ml-training"
  definition = jsonencode({
    "spark_version"           = { type = "allowlist", values = ["15.4.x-cpu-ml-scala2.12"] }
    "autotermination_minutes" = { type = "range", maxValue = 60, defaultValue = 30 }
    "custom_tags.team"        = { type = "fixed", value = "ml" }
  })
  max_clusters_per_user = 2
}
