package reliability

//lint:file-ignore SA1019 The stack's monitor is managed through the Unity Catalog quality monitors API, as brickops_quality_monitor does; the audit reads it the same way.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// LostAnswersStack is a configuration of every BrickOps resource type,
// StackResources instances in all, whose objects are named rel_* / rel-*.
//
//go:embed lostanswers.tf
var LostAnswersStack string

// StackResources is how many resource instances LostAnswersStack declares.
const StackResources = 35

// MaxApplies is how many applies the stack may take to converge under
// LostAnswerFaults.
const MaxApplies = 2

// LostAnswerFaults lose the answer to 20 % of writes (processed, then
// answered 503) and answer 20 % of the other requests 429 or 503 before
// processing them.
var LostAnswerFaults = func() []emulator.FaultRule {
	var rules []emulator.FaultRule
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		rules = append(rules, emulator.FaultRule{PathPrefix: "/api/", Method: m, RateLostAnswer: 0.2})
	}
	return append(rules, emulator.FaultRule{PathPrefix: "/api/", Rate429: 0.1, Rate503: 0.1})
}()

// WriteStack writes LostAnswersStack as main.tf in dir.
func WriteStack(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(LostAnswersStack), 0o644)
}

// Converge runs terraform apply in dir until one succeeds, at most
// MaxApplies times, and returns how many it took and the last output.
func Converge(ctx context.Context, tf tfcli.Terraform, dir string) (int, string, error) {
	var out string
	var err error
	for n := 1; n <= MaxApplies; n++ {
		if out, err = tf.Run(ctx, dir, "apply", "-auto-approve", "-input=false", "-no-color"); err == nil {
			return n, out, nil
		}
	}
	return MaxApplies, out, fmt.Errorf("no apply of %d converged: %w", MaxApplies, err)
}

// Audit compares what the API holds with what Terraform's state tracks.
type Audit struct {
	// Objects is how many of the stack's objects the API holds.
	Objects int
	// Orphans are objects outside state, Duplicates objects that repeat
	// another's natural key (a job's or cluster's name, a second version
	// of a model registered once); a duplicate is also an orphan.
	Orphans, Duplicates []string
}

// AuditStack lists the stack's objects through w and checks each against
// state, the output of `terraform show -json`. Grants and aliases are
// settings on other objects, not objects that can be orphaned.
func AuditStack(ctx context.Context, w *databricks.WorkspaceClient, state []byte) (Audit, error) {
	tracked, err := stateIDs(state)
	if err != nil {
		return Audit{}, err
	}
	var a Audit
	found := func(typ, id string) {
		a.Objects++
		if !tracked[typ+" "+id] {
			a.Orphans = append(a.Orphans, typ+" "+id)
		}
	}
	byName := map[string][]string{}
	duplicateKey := func(key, id string) { byName[key] = append(byName[key], id) }

	cats, err := w.Catalogs.ListAll(ctx, catalog.ListCatalogsRequest{})
	if err != nil {
		return a, fmt.Errorf("listing catalogs: %w", err)
	}
	for _, c := range cats {
		if !strings.HasPrefix(c.Name, "rel_") {
			continue
		}
		found("brickops_catalog", c.Name)
		schemas, err := w.Schemas.ListAll(ctx, catalog.ListSchemasRequest{CatalogName: c.Name})
		if err != nil {
			return a, fmt.Errorf("listing schemas of %s: %w", c.Name, err)
		}
		for _, s := range schemas {
			if s.Name == "information_schema" || s.Name == "default" {
				continue
			}
			found("brickops_schema", s.FullName)
			if err := auditSchema(ctx, w, s, found, duplicateKey); err != nil {
				return a, err
			}
		}
	}
	endpoints, err := w.ServingEndpoints.ListAll(ctx)
	if err != nil {
		return a, fmt.Errorf("listing serving endpoints: %w", err)
	}
	for _, e := range endpoints {
		if strings.HasPrefix(e.Name, "rel-") {
			found("brickops_serving_endpoint", e.Name)
		}
	}
	clusters, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{})
	if err != nil {
		return a, fmt.Errorf("listing clusters: %w", err)
	}
	for _, c := range clusters {
		if strings.HasPrefix(c.ClusterName, "rel-") && c.State != compute.StateTerminated && c.State != compute.StateTerminating {
			found("brickops_cluster", c.ClusterId)
			duplicateKey("cluster "+c.ClusterName, c.ClusterId)
		}
	}
	allJobs, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{})
	if err != nil {
		return a, fmt.Errorf("listing jobs: %w", err)
	}
	for _, j := range allJobs {
		if j.Settings != nil && strings.HasPrefix(j.Settings.Name, "rel-") {
			id := fmt.Sprint(j.JobId)
			found("brickops_job", id)
			duplicateKey("job "+j.Settings.Name, id)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(byName)) {
		if ids := byName[key]; len(ids) > 1 {
			a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s: %d objects (%s)", key, len(ids), strings.Join(ids, ", ")))
		}
	}
	return a, nil
}

// auditSchema checks the models, versions, feature and online tables and
// monitors in schema s.
func auditSchema(ctx context.Context, w *databricks.WorkspaceClient, s catalog.SchemaInfo, found func(typ, id string), duplicateKey func(key, id string)) error {
	models, err := w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{CatalogName: s.CatalogName, SchemaName: s.Name})
	if err != nil {
		return fmt.Errorf("listing models of %s: %w", s.FullName, err)
	}
	for _, m := range models {
		found("brickops_registered_model", m.FullName)
		versions, err := w.ModelVersions.ListAll(ctx, catalog.ListModelVersionsRequest{FullName: m.FullName})
		if err != nil {
			return fmt.Errorf("listing versions of %s: %w", m.FullName, err)
		}
		for _, v := range versions {
			id := fmt.Sprintf("%s/%d", m.FullName, v.Version)
			found("brickops_model_version", id)
			// The stack registers one version per model.
			duplicateKey("version of "+m.FullName, id)
		}
	}
	tables, err := w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: s.CatalogName, SchemaName: s.Name})
	if err != nil {
		return fmt.Errorf("listing tables of %s: %w", s.FullName, err)
	}
	for _, t := range tables {
		switch {
		case !strings.HasPrefix(t.Name, "features_"), strings.HasSuffix(t.Name, "_metrics"):
			// Tables the service made: inference, profile and drift metrics.
		case strings.HasSuffix(t.Name, "_online"):
			found("brickops_online_table", t.FullName)
		default:
			found("brickops_feature_table", t.FullName)
			if _, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: t.FullName}); err == nil {
				found("brickops_quality_monitor", t.FullName)
			}
		}
	}
	return nil
}

// stateIDs reads `terraform show -json` into a set of "type id".
func stateIDs(state []byte) (map[string]bool, error) {
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(state, &show); err != nil {
		return nil, fmt.Errorf("reading terraform show -json: %w", err)
	}
	ids := map[string]bool{}
	for _, r := range show.Values.RootModule.Resources {
		ids[fmt.Sprintf("%s %v", r.Type, r.Values["id"])] = true
	}
	return ids, nil
}
