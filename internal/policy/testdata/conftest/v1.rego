# The same package in Rego v1 syntax (conftest >= 0.56 default).
package main

import rego.v1

deny_count contains msg if {
	creates := [rc | some rc in input.resource_changes; "create" in rc.change.actions]
	count(creates) > 2
	msg := sprintf("too many creations in one plan: %d", [count(creates)])
}
