package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	print("checking", rc.address)
	rc.change.after.input == "forbidden"
	msg := sprintf("%s: forbidden input", [rc.address])
}
