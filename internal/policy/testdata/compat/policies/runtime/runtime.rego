package main

import rego.v1

deny contains msg if {
	opa.runtime().env.BRICKOPS_COMPAT_MARKER == "strict"
	some rc in input.resource_changes
	"create" in rc.change.actions
	msg := sprintf("%s: creations are frozen", [rc.address])
}

warn contains msg if {
	not opa.runtime().env.BRICKOPS_COMPAT_UNSET
	msg := "BRICKOPS_COMPAT_UNSET is not set"
}
