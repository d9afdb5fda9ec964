# A model alias is imported as <catalog>.<schema>.<model>@<alias>.
terraform import brickops_model_alias.champion prod.ml.churn@champion
