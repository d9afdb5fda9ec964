package main

import rego.v1

deny contains msg if {
	data.conftest.file.name == "mixed.json"
	some rc in input.resource_changes
	"delete" in rc.change.actions
	msg := sprintf("%s: no deletions in %s", [rc.address, data.conftest.file.name])
}

warn contains msg if {
	not endswith(data.conftest.file.name, ".json")
	msg := "plans should be .json files"
}

warn contains msg if {
	data.conftest.file.dir == ""
	msg := "no directory"
}
