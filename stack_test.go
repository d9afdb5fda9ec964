package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
	"github.com/brickops/terraform-provider-brickops/internal/version"
	"github.com/brickops/terraform-provider-brickops/provider"
)

// notInStack are the resources examples/mlops-stack leaves out, and why.
var notInStack = map[string]string{
	"brickops_workspace": "creates the workspace through Azure Resource Manager; examples/resources/brickops_workspace shows it",
}

// examples/mlops-stack composes every resource the provider has (new ones
// included: the list comes from the provider itself), applies against the
// emulator with a model version registered from a run that
// `brickops emulator seed --no-register` logged, plans empty right after,
// and destroys cleanly.
func TestExamples_mlopsStackComposesEveryResourceAndApplies(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("examples", "mlops-stack", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	inStack := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^resource "(brickops_[a-z_]+)"`).FindAllStringSubmatch(string(raw), -1) {
		inStack[m[1]] = true
	}
	ctx := context.Background()
	p := provider.New(version.Version)()
	for _, newResource := range p.Resources(ctx) {
		var md fwresource.MetadataResponse
		newResource().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "brickops"}, &md)
		if _, excused := notInStack[md.TypeName]; !inStack[md.TypeName] && !excused {
			t.Errorf("examples/mlops-stack/main.tf has no %s: every resource belongs in the stack", md.TypeName)
		}
	}
	if t.Failed() {
		return
	}

	emu := emulatortest.Start(t)
	res, err := seed.Run(ctx, emu.WorkspaceClient(t), seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": 0.87}, NoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	w := tftest.New(t, map[string]string{"main.tf": string(raw), "terraform.tfvars": `training_run_id = "` + res.RunID + `"` + "\n"})
	w.UseProvider(t, tftest.ProviderDir(t), emu.URL, emu.Token)
	w.Apply(t)
	w.Run(t, "plan", "-detailed-exitcode", "-input=false", "-no-color") // exit 2 (changes) fails the test
	w.Run(t, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// Regression (issue 15): the online-table example read timeseries_key
// "event_ts" from a feature table whose example keys it by "ts".
func TestExamples_onlineTableMatchesFeatureTable(t *testing.T) {
	key := regexp.MustCompile(`timeseries_key\s*=\s*"([^"]+)"`)
	read := func(name string) string {
		raw, err := os.ReadFile(filepath.Join("examples", "resources", name, "resource.tf"))
		if err != nil {
			t.Fatal(err)
		}
		m := key.FindStringSubmatch(string(raw))
		if m == nil {
			t.Fatalf("%s example sets no timeseries_key", name)
		}
		return m[1]
	}
	if online, feature := read("brickops_online_table"), read("brickops_feature_table"); online != feature {
		t.Errorf("online table example's timeseries_key %q, the feature table example's %q", online, feature)
	}
}
