# Conftest-style policy in Rego v0 syntax, as conftest before 0.56 (or
# with --rego-version v0) reads it.
package main

deny[msg] {
	rc := input.resource_changes[_]
	rc.type == "terraform_data"
	rc.change.actions[_] == "delete"
	msg := sprintf("%s: deleting data is not allowed", [rc.address])
}

warn[msg] {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "update"
	msg := sprintf("%s is updated in place", [rc.address])
}

violation[{"msg": msg, "address": rc.address, "ticket": "SEC-1"}] {
	rc := input.resource_changes[_]
	rc.change.after.input == "forbidden"
	msg := "input must not be \"forbidden\""
}

# Exceptions switch off deny_replace (conftest semantics).
exception[rules] {
	input.variables.allow_replace.value == "yes"
	rules := ["replace"]
}

deny_replace[msg] {
	rc := input.resource_changes[_]
	rc.change.actions == ["delete", "create"]
	msg := sprintf("%s would be replaced", [rc.address])
}
