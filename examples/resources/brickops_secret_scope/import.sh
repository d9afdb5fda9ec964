# A secret scope is imported by its name.
terraform import brickops_secret_scope.serving ml-serving
# Import cannot read initial_manage_principal (it only applies at creation):
# leave it out of the imported configuration; keeping it plans a replacement.
