# A schema is imported by its full name, <catalog>.<schema>.
terraform import brickops_schema.ml prod.ml
# Import cannot read force_destroy (only Terraform keeps it): the first plan
# after the import sets it, and applying that makes no API call.
