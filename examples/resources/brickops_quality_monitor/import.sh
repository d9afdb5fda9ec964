# A quality monitor is imported by the full name of the table it monitors.
terraform import brickops_quality_monitor.churn prod.ml.churn_payload
