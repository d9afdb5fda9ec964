# A catalog is imported by its name.
terraform import brickops_catalog.staging staging
