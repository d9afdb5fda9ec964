# A membership is imported as <group_id>|<member_id> (SCIM ids), as for databricks_group_member.
terraform import brickops_group_member.deployer '1234567890123456|4567890123456789'
