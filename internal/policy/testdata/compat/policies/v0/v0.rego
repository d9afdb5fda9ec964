package main

deny[msg] {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "delete"
	msg := sprintf("%s: deleting is not allowed", [rc.address])
}

warn[msg] {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "create"
	msg := sprintf("%s is created", [rc.address])
}

exception[rules] {
	input.variables.allow_replace.value == "yes"
	rules := ["replace"]
}

deny_replace[msg] {
	rc := input.resource_changes[_]
	rc.change.actions == ["delete", "create"]
	msg := sprintf("%s would be replaced", [rc.address])
}
