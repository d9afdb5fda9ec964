package main

import rego.v1

# A chained prefix: conftest strips deny_ then warn_, so the exception
# names it "replace".
deny_warn_replace contains msg if {
	some rc in input.resource_changes
	rc.change.actions == ["delete", "create"]
	msg := sprintf("%s would be replaced", [rc.address])
}

violation_deny_delete contains msg if {
	some rc in input.resource_changes
	rc.change.actions == ["delete"]
	msg := sprintf("%s is deleted", [rc.address])
}

warn_update contains msg if {
	some rc in input.resource_changes
	rc.change.actions == ["update"]
	msg := sprintf("%s is updated", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	rc.change.after.input == "forbidden"
	msg := sprintf("%s: forbidden input", [rc.address])
}

exception contains rules if {
	rules := ["replace", "update"]
}

exception contains rules if {
	some rc in input.resource_changes
	rc.type == "brickops_catalog"
	rules := ["delete"]
}
