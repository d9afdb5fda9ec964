# A quality monitor is imported by the full name of the table it monitors.
terraform import brickops_quality_monitor.churn prod.ml.churn_payload
# Import cannot read warehouse_id and skip_builtin_dashboard (used only at
# creation, not returned): leave them out of the imported configuration;
# keeping warehouse_id plans a replacement.
