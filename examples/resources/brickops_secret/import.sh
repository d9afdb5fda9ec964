# A secret is imported as <scope>|||<key>, as for databricks_secret.
terraform import brickops_secret.openai 'ml-serving|||openai-api-key'
