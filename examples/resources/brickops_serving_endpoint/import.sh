# A serving endpoint is imported by its name.
terraform import brickops_serving_endpoint.churn churn
