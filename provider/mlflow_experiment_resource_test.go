package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const experimentAddr = "brickops_mlflow_experiment.test"

func experimentConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_mlflow_experiment" "test" {
  name = %q
%s
}
`, name, body)
}

func TestAccMLflowExperiment_lifecycle(t *testing.T) {
	name := "/Shared/" + uniqueName("exp")
	w := testWorkspace(t)
	var id string
	tag := func(k, v string) string { return fmt.Sprintf("  tags {\n    key   = %q\n    value = %q\n  }\n", k, v) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: experimentConfig(name, tag("team", "ml")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(experimentAddr, tfjsonpath.New("lifecycle_stage"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(experimentAddr, tfjsonpath.New("artifact_location"), knownvalue.StringRegexp(errorRegexp("dbfs:/databricks/mlflow-tracking/"))),
				},
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[experimentAddr].Primary.ID
					return nil
				},
			},
			{
				// Rename and a new tag: in place.
				Config:           experimentConfig(name+"-v2", tag("team", "ml")+tag("model", "churn")),
				ConfigPlanChecks: expectAction(experimentAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					got, err := w.Experiments.GetExperiment(context.Background(), ml.GetExperimentRequest{ExperimentId: id})
					if err != nil {
						return err
					}
					if got.Experiment.Name != name+"-v2" || len(got.Experiment.Tags) != 2 {
						return fmt.Errorf("update not applied: %+v", got.Experiment)
					}
					return nil
				},
			},
			{ResourceName: experimentAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"last_update_time"}},
			{
				// A removed tag is no longer managed; a tag set by others is left alone.
				PreConfig: func() {
					if err := w.Experiments.SetExperimentTag(context.Background(), ml.SetExperimentTag{ExperimentId: id, Key: "by-hand", Value: "x"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           experimentConfig(name+"-v2", tag("team", "ml")),
				ConfigPlanChecks: expectAction(experimentAddr, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(experimentAddr, tfjsonpath.New("tags"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

func TestAccMLflowExperiment_driftAndDisappears(t *testing.T) {
	name := "/Shared/" + uniqueName("exp")
	w := testWorkspace(t)
	id := func(s *terraform.State) string { return s.RootModule().Resources[experimentAddr].Primary.ID }
	var current string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: experimentConfig(name, ""), Check: func(s *terraform.State) error { current = id(s); return nil }},
			{
				PreConfig: func() {
					if err := w.Experiments.UpdateExperiment(context.Background(), ml.UpdateExperiment{ExperimentId: current, NewName: name + "-renamed"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           experimentConfig(name, ""),
				ConfigPlanChecks: expectAction(experimentAddr, plancheck.ResourceActionUpdate),
			},
			{
				PreConfig: func() {
					if err := w.Experiments.DeleteExperiment(context.Background(), ml.DeleteExperiment{ExperimentId: current}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           experimentConfig(name+"-2", ""),
				ConfigPlanChecks: expectAction(experimentAddr, plancheck.ResourceActionCreate),
			},
		},
	})
}

func TestAccMLflowExperiment_badInput(t *testing.T) {
	name := "/Shared/" + uniqueName("exp")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: experimentConfig("churn", ""), ExpectError: errorRegexp(`must be an absolute path within the workspace`)},
			{
				Config: experimentConfig(name, "") + fmt.Sprintf(`
resource "brickops_mlflow_experiment" "twin" {
  name       = %q
  depends_on = [brickops_mlflow_experiment.test]
}`, name),
				// The twin is not adopted although it is minutes old at most:
				// it was there before the twin's create started.
				ExpectError: notAdopted(`Creating MLflow experiment "`+name+`": Node named '`+name+`' already exists`,
					`it existed before this create started.`, "brickops_mlflow_experiment", name),
			},
		},
	})
}
