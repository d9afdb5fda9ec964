# Your own rules, evaluated by `brickops policy check --policy policies/` on
# `terraform show -json` output — the same input conftest sees, so policies
# written for conftest work unchanged.
package main

import rego.v1

# Every registered model documents what it is for.
deny contains msg if {
	rc := input.resource_changes[_]
	rc.type == "brickops_registered_model"
	rc.change.actions[_] in {"create", "update"}
	not rc.change.after.comment
	msg := sprintf("%s: set a comment saying what the model predicts and who owns it", [rc.address])
}

# Clusters in this repository stay small unless waived in brickops.yaml.
warn contains msg if {
	rc := input.resource_changes[_]
	rc.type == "brickops_cluster"
	rc.change.after.autoscale.max_workers > 8
	msg := sprintf("%s: autoscale.max_workers above 8 — is that needed?", [rc.address])
}
