package other

import rego.v1

deny contains "other: every plan is denied here" if true

warn contains msg if {
	count(input.resource_changes) > 1
	msg := sprintf("other: %d changes", [count(input.resource_changes)])
}
