package main

import rego.v1

test_deny_delete if {
	deny["terraform_data.x: deleting data is not allowed"] with input as {"resource_changes": [{"address": "terraform_data.x", "type": "terraform_data", "change": {"actions": ["delete"]}}]}
}
