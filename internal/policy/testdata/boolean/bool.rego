package main

import rego.v1

deny if {
	input.resource_changes[_].change.actions[_] == "delete"
}
