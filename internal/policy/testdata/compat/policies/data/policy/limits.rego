package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	rc.change.after.input.workers > data.limits.max_workers
	msg := sprintf("%s: %d workers, above the limit of %d", [rc.address, rc.change.after.input.workers, data.limits.max_workers])
}

deny contains msg if {
	some rc in input.resource_changes
	owner := object.get(rc.change.after, ["input", "owner"], null)
	owner != null
	not owner in data.owners.allowed
	msg := sprintf("%s: owner %q is not a known team", [rc.address, owner])
}

warn contains msg if {
	some rc in input.resource_changes
	rc.type in data.limits.watched_types
	"create" in rc.change.actions
	msg := sprintf("%s: new %s", [rc.address, rc.type])
}
