# A secret is imported as <scope>|||<key>, as for databricks_secret.
terraform import brickops_secret.openai 'ml-serving|||openai-api-key'
# Import cannot read the secret value (the API never returns it): set
# string_value_wo and string_value_wo_version, and the next apply writes it.
