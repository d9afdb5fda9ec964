# Grants are imported as <securable>/<full name>, where <securable> is
# catalog, schema, table or registered_model.
terraform import brickops_grants.prod_catalog catalog/prod
terraform import brickops_grants.churn_model registered_model/prod.ml.churn
