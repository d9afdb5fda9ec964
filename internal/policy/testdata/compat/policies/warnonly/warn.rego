package main

import rego.v1

warn contains msg if {
	some rc in input.resource_changes
	"create" in rc.change.actions
	msg := sprintf("%s is created", [rc.address])
}
