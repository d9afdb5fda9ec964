# A schema is imported by its full name, <catalog>.<schema>.
terraform import brickops_schema.ml prod.ml
