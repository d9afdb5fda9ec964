package main

import rego.v1

creates := [rc.address |
	some file in input
	some rc in file.contents.resource_changes
	"create" in rc.change.actions
]

deny contains msg if {
	count(creates) > 4
	msg := sprintf("%d creations across %d plans", [count(creates), count(input)])
}

warn contains msg if {
	some file in input
	msg := sprintf("plan %s", [file.path])
}
