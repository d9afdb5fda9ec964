# A secret scope is imported by its name.
terraform import brickops_secret_scope.serving ml-serving
