# A catalog is imported by its name.
terraform import brickops_catalog.staging staging
# Import cannot read force_destroy (only Terraform keeps it): the first plan
# after the import sets it, and applying that makes no API call.
