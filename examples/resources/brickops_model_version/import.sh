# A model version is imported as <catalog>.<schema>.<model>/<version>.
terraform import brickops_model_version.prod prod.ml.churn/3
# Import cannot read copy_from (a version does not say which source it was
# copied from beyond its lineage tags): the imported configuration should use
# source; a copy_from there plans a replacement.
