# Unit tests of mlops.rego: `brickops policy test policies/` runs every
# test_* rule here (as opa test and conftest verify do) and reports which
# policy lines they cover. Add a test with every rule you write.
package main

import rego.v1

model(after) := {"resource_changes": [{
	"address": "brickops_registered_model.churn",
	"type": "brickops_registered_model",
	"change": {"actions": ["create"], "after": after},
}]}

cluster(max_workers) := {"resource_changes": [{
	"address": "brickops_cluster.training",
	"type": "brickops_cluster",
	"change": {"actions": ["create"], "after": {"autoscale": {"min_workers": 1, "max_workers": max_workers}}},
}]}

test_model_without_comment_is_denied if {
	deny["brickops_registered_model.churn: set a comment saying what the model predicts and who owns it"] with input as model({"name": "churn"})
}

test_model_with_comment_passes if {
	count(deny) == 0 with input as model({"name": "churn", "comment": "Predicts churn; owned by ml-platform"})
}

test_big_autoscale_warns if {
	count(warn) == 1 with input as cluster(16)
}

test_small_autoscale_passes if {
	count(warn) == 0 with input as cluster(4)
}
