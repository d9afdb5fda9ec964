# A secret ACL is imported as <scope>|||<principal>, as for databricks_secret_acl.
terraform import brickops_secret_acl.ml_engineers 'ml-serving|||ml-engineers'
