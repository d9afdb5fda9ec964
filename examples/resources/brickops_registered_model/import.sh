# A registered model is imported by its full name, <catalog>.<schema>.<model>.
terraform import brickops_registered_model.churn prod.ml.churn
# Import cannot read force_destroy (only Terraform keeps it): the first plan
# after the import sets it, and applying that makes no API call.
