# An MLflow experiment is imported by its id, as for databricks_mlflow_experiment.
terraform import brickops_mlflow_experiment.churn 1000000000000001
