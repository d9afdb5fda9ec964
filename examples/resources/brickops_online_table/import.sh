# An online table is imported by its full name.
terraform import brickops_online_table.customer_features prod.features.customer_features_online
