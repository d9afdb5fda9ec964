# A model version is imported as <catalog>.<schema>.<model>/<version>.
terraform import brickops_model_version.prod prod.ml.churn/3
