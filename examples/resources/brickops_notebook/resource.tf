# An exploration notebook, from the repository.
resource "brickops_notebook" "explore" {
  path   = "/Shared/mlops/churn/explore"
  source = "${path.module}/notebooks/explore.py"
}

# Or inline: the language is then required.
resource "brickops_notebook" "smoke" {
  path           = "/Shared/mlops/churn/smoke"
  language       = "PYTHON"
  content_base64 = base64encode("# Databricks notebook source\nprint('ok')")
}
