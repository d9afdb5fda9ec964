package main

import rego.v1

# METADATA
# title: No deletions
# description: Deleting a resource needs a change ticket; plan the deletion in its own pull request.
deny contains msg if {
	some rc in input.resource_changes
	"delete" in rc.change.actions
	msg := sprintf("%s: deleting is not allowed", [rc.address])
}

deny_replace contains msg if {
	some rc in input.resource_changes
	rc.change.actions == ["delete", "create"]
	msg := sprintf("%s would be replaced", [rc.address])
}

warn contains msg if {
	some rc in input.resource_changes
	rc.change.actions == ["update"]
	msg := sprintf("%s is updated in place", [rc.address])
}

violation contains {"msg": msg, "address": rc.address, "ticket": "SEC-1"} if {
	some rc in input.resource_changes
	rc.change.after.input == "forbidden"
	msg := "input must not be \"forbidden\""
}

deny_count contains msg if {
	creates := [rc | some rc in input.resource_changes; "create" in rc.change.actions]
	count(creates) > 2
	msg := sprintf("too many creations in one plan: %d", [count(creates)])
}

# Not a conftest rule: never reported.
allow if true
