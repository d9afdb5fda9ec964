# A volume is imported by its full name, <catalog>.<schema>.<volume> — the
# same id as databricks_volume.
terraform import brickops_volume.training_data prod.ml.training_data
