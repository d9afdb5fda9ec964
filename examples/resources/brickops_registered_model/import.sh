# A registered model is imported by its full name, <catalog>.<schema>.<model>.
terraform import brickops_registered_model.churn prod.ml.churn
