# A feature table is imported by its full name.
terraform import brickops_feature_table.customer_features prod.features.customer_features
