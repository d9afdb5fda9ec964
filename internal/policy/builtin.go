package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// Resource types the built-in rules read. Attribute names follow the
// Databricks REST API fields, as the provider's schemas do.
const (
	typeCluster          = "brickops_cluster"
	typeRegisteredModel  = "brickops_registered_model"
	typeServingEndpoint  = "brickops_serving_endpoint"
	typeQualityMonitor   = "brickops_quality_monitor"
	typeGrants           = "brickops_grants"
	typeCatalog          = "brickops_catalog"
	typePermissions      = "brickops_permissions"
	typeJob              = "brickops_job"
	typeSQLWarehouse     = "brickops_sql_warehouse"
	inferenceTableSuffix = "_payload"
)

// builtinRules is the Databricks MLOps rule pack. IDs never change meaning;
// a retired rule's ID is not reused.
var builtinRules = []*Rule{
	{
		ID: "BO001", Name: "cluster-auto-termination", Severity: SeverityError,
		Rationale: "Idle all-purpose clusters keep billing DBUs and VMs until someone stops them.",
		Fix:       "Set autotermination_minutes between 1 and the configured limit on the brickops_cluster.",
		params:    func() any { return &autoTermParams{MaxMinutes: 120} },
		check:     checkAutoTermination,
	},
	{
		ID: "BO002", Name: "cluster-node-type-allowed", Severity: SeverityError,
		Rationale: "Only vetted VM sizes are budgeted and have quota; GPU or oversized nodes must be chosen on purpose.",
		Fix:       "Use a node_type_id (and driver_node_type_id) from policy.rules.BO002.allowed_node_types, or extend that list in brickops.yaml.",
		params: func() any {
			return &nodeTypeParams{Allowed: []string{
				"Standard_DS3_v2", "Standard_DS4_v2", "Standard_DS5_v2",
				"Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_D16ds_v5",
				"Standard_E4ds_v4", "Standard_E8ds_v4", "Standard_E16ds_v4",
				"Standard_F4s", "Standard_F8s",
				"Standard_E4ds_v5", "Standard_E8ds_v5", "Standard_E16ds_v5",
			}}
		},
		check: checkNodeTypes,
	},
	{
		ID: "BO003", Name: "cluster-required-tags", Severity: SeverityError,
		Rationale: "Cost reports and incident response need to know who owns every cluster.",
		Fix:       "Add the required keys to custom_tags on the brickops_cluster.",
		params:    func() any { return &tagParams{Required: []string{"owner"}} },
		check:     checkClusterTags,
	},
	{
		ID: "BO004", Name: "serving-endpoint-required-tags", Severity: SeverityError,
		Rationale: "Serving endpoints bill around the clock; each must name an owner to call when it misbehaves.",
		Fix:       "Add the required keys to tags on the brickops_serving_endpoint.",
		params:    func() any { return &tagParams{Required: []string{"owner"}} },
		check:     checkEndpointTags,
	},
	{
		ID: "BO005", Name: "registered-model-owner", Severity: SeverityError,
		Rationale: "A model owned by whoever ran Terraform loses its owner when that person leaves; owners should be groups.",
		Fix:       "Set owner on the brickops_registered_model (preferably a group).",
		params:    noParams,
		check:     checkModelOwner,
	},
	{
		ID: "BO006", Name: "prod-endpoint-no-scale-to-zero", Severity: SeverityError, ProdOnly: true,
		Rationale: "A production endpoint that scaled to zero answers its next requests only after a cold start of minutes.",
		Fix:       "Set scale_to_zero_enabled = false on every served entity of the production endpoint.",
		params:    noParams,
		check:     checkScaleToZero,
	},
	{
		ID: "BO007", Name: "prod-endpoint-inference-capture", Severity: SeverityError, ProdOnly: true,
		Rationale: "Without inference tables there is no record of what a production model answered, and nothing to monitor.",
		Fix:       "Enable auto_capture_config (catalog_name, schema_name, enabled = true) on the production endpoint.",
		params:    noParams,
		check:     checkAutoCapture,
	},
	{
		ID: "BO008", Name: "prod-served-model-monitored", Severity: SeverityError, ProdOnly: true,
		Rationale: "Drift and quality regressions of a production model go unnoticed unless its inference table is monitored.",
		Fix:       "Add a brickops_quality_monitor whose table_name is the endpoint's inference table (<catalog>.<schema>.<prefix>_payload) or a table unpacked from it (<catalog>.<schema>.<prefix>_<suffix>, such as <prefix>_predictions).",
		params:    noParams,
		check:     checkServedModelsMonitored,
	},
	{
		ID: "BO009", Name: "no-all-privileges-to-account-users", Severity: SeverityError,
		Rationale: "ALL_PRIVILEGES to every account user lets anyone read, change or drop the securable and grant that on.",
		Fix:       "Grant specific privileges (USE_CATALOG, SELECT, EXECUTE, ...) to a narrower group instead.",
		params:    func() any { return &grantParams{Principals: []string{"account users"}} },
		check:     checkBroadGrants,
	},
	{
		ID: "BO010", Name: "prod-no-destroy-model-or-catalog", Severity: SeverityError, ProdOnly: true,
		Rationale: "Destroying a production registered model or catalog deletes its versions and data; it is never a side effect.",
		Fix:       "Keep the resource (check for a rename or moved block), or add a waiver with a reason and expiry in brickops.yaml.",
		params:    func() any { return &destroyParams{Types: []string{typeRegisteredModel, typeCatalog}} },
		check:     checkProtectedDestroy,
	},
	{
		ID: "BO011", Name: "no-permissions-to-users-group", Severity: SeverityError,
		Rationale: "The users group is every workspace user: a permission granted to it is granted to everyone, present and future.",
		Fix:       "Grant the permission to a team's group instead, or list the level in policy.rules.BO011.allowed_levels.",
		params:    func() any { return &usersGroupParams{Groups: []string{"users"}, AllowedLevels: []string{}} },
		check:     checkUsersGroupPermissions,
	},
	{
		ID: "BO012", Name: "no-plain-secrets-in-environment-variables", Severity: SeverityError,
		Rationale: "Environment variables are readable by anyone who can view the endpoint, cluster or job, and are kept in Terraform state.",
		Fix:       "Put the value in a brickops_secret and set the variable to its config_reference, {{secrets/<scope>/<key>}}.",
		params:    noParams,
		check:     checkPlainSecrets,
	},
	{
		ID: "BO013", Name: "job-runs-as-service-principal", Severity: SeverityError,
		Rationale: "A job that runs as a person breaks when they leave and acts with all their rights; a service principal has only the job's.",
		Fix:       "Set run_as = { service_principal_name = brickops_service_principal.<name>.application_id } on the brickops_job.",
		params:    func() any { return &runAsParams{ExemptEnvironments: []string{"dev"}} },
		check:     checkJobRunAs,
	},
	{
		ID: "BO014", Name: "sql-warehouse-auto-stop", Severity: SeverityError,
		Rationale: "A SQL warehouse that never stops, or stops late, bills for idle compute around the clock.",
		Fix:       "Set auto_stop_mins between 1 and the configured limit on the brickops_sql_warehouse.",
		params:    func() any { return &autoTermParams{MaxMinutes: 60} },
		check:     checkWarehouseAutoStop,
	},
	{
		ID: "BO015", Name: "job-cluster-policy", Severity: SeverityError,
		Rationale: "A job cluster outside a cluster policy can take any runtime, VM size and scale; the policy is where the platform team sets the limits.",
		Fix:       "Set policy_id (e.g. brickops_cluster_policy.<name>.policy_id) on every new_cluster of the brickops_job.",
		params:    noParams,
		check:     checkJobClusterPolicy,
	},
}

type autoTermParams struct {
	MaxMinutes int `json:"max_minutes"`
}

type nodeTypeParams struct {
	Allowed []string `json:"allowed_node_types"`
}

type tagParams struct {
	Required []string `json:"required_tags"`
}

type grantParams struct {
	Principals []string `json:"principals"`
}

type destroyParams struct {
	Types []string `json:"resource_types"`
}

type usersGroupParams struct {
	Groups        []string `json:"groups"`
	AllowedLevels []string `json:"allowed_levels"`
}

type runAsParams struct {
	ExemptEnvironments []string `json:"exempt_environments"`
}

type emptyParams struct{}

func noParams() any { return &emptyParams{} }

func checkAutoTermination(v *planView, params any) []violation {
	max := params.(*autoTermParams).MaxMinutes
	var out []violation
	for _, r := range v.changed(typeCluster) {
		if r.pending("autotermination_minutes") {
			continue
		}
		n, ok := asNumber(r.value("autotermination_minutes"))
		switch {
		case !ok:
			out = append(out, violation{r.Address, "autotermination_minutes is not set: the cluster never terminates when idle"})
		case n <= 0:
			out = append(out, violation{r.Address, "autotermination_minutes is 0: the cluster never terminates when idle"})
		case max > 0 && n > float64(max):
			out = append(out, violation{r.Address, fmt.Sprintf("autotermination_minutes is %g, above the limit of %d", n, max)})
		}
	}
	return out
}

func checkNodeTypes(v *planView, params any) []violation {
	allowed := params.(*nodeTypeParams).Allowed
	var out []violation
	for _, r := range v.changed(typeCluster) {
		worker := asString(r.value("node_type_id"))
		for _, attr := range []string{"node_type_id", "driver_node_type_id"} {
			nt := asString(r.value(attr))
			if nt == "" || slices.Contains(allowed, nt) || attr == "driver_node_type_id" && nt == worker {
				continue // unset (instance pool), allowed, or a driver like the workers (reported once)
			}
			out = append(out, violation{r.Address, fmt.Sprintf("%s %q is not an allowed node type", attr, nt)})
		}
	}
	return out
}

func checkClusterTags(v *planView, params any) []violation {
	return missingTags(v.changed(typeCluster), "custom_tags", params.(*tagParams).Required)
}

func checkEndpointTags(v *planView, params any) []violation {
	return missingTags(v.changed(typeServingEndpoint), "tags", params.(*tagParams).Required)
}

// missingTags reports required tag keys absent from attr, which is a map
// (cluster custom_tags) or a list of {key, value} (endpoint tags, as the
// serving API spells them).
func missingTags(resources []*resource, attr string, required []string) []violation {
	var out []violation
	for _, r := range resources {
		if r.isUnknown(attr) {
			continue
		}
		have := map[string]bool{}
		for k, val := range asMapOrEmpty(r.value(attr)) {
			have[k] = asString(val) != ""
		}
		for _, t := range asObjects(r.value(attr)) {
			have[asString(t["key"])] = true
		}
		var missing []string
		for _, k := range required {
			if !have[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			out = append(out, violation{r.Address, fmt.Sprintf("%s lacks required tag(s): %s", attr, strings.Join(missing, ", "))})
		}
	}
	return out
}

func asMapOrEmpty(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func checkModelOwner(v *planView, _ any) []violation {
	var out []violation
	for _, r := range v.changed(typeRegisteredModel) {
		// owner is optional+computed: left out, the plan shows it unknown
		// (creation) or as the creator (update), so the configuration is
		// what tells whether the user chose an owner.
		if r.pending("owner") || asString(r.value("owner")) != "" && (r.config == nil || r.configured("owner")) {
			continue
		}
		out = append(out, violation{r.Address, "owner is not set: the model would be owned by whoever runs Terraform"})
	}
	return out
}

// endpointConfig returns the object holding served_entities and
// auto_capture_config: the endpoint itself, or its config block for
// schemas that nest them as the REST API does.
func endpointConfig(r *resource) map[string]any {
	if _, ok := r.Values["served_entities"]; ok {
		return r.Values
	}
	if c := asObject(r.Values["config"]); c != nil {
		return c
	}
	return r.Values
}

func checkScaleToZero(v *planView, _ any) []violation {
	var out []violation
	for _, r := range v.changed(typeServingEndpoint) {
		for i, e := range asObjects(endpointConfig(r)["served_entities"]) {
			if on, _ := asBool(e["scale_to_zero_enabled"]); on {
				out = append(out, violation{r.Address, fmt.Sprintf("served entity %s scales to zero in production", servedEntityName(e, i))})
			}
		}
	}
	return out
}

func servedEntityName(e map[string]any, i int) string {
	name := asString(e["name"])
	if name == "" {
		name = asString(e["entity_name"])
		if ver := e["entity_version"]; ver != nil {
			name += fmt.Sprintf(" v%v", ver)
		}
	}
	if name == "" {
		name = fmt.Sprintf("#%d", i+1)
	}
	return name
}

func checkAutoCapture(v *planView, _ any) []violation {
	var out []violation
	for _, r := range v.changed(typeServingEndpoint) {
		capture := asObject(endpointConfig(r)["auto_capture_config"])
		if capture == nil {
			out = append(out, violation{r.Address, "auto_capture_config is not set: production inferences are not recorded"})
			continue
		}
		if on, ok := asBool(capture["enabled"]); ok && !on {
			out = append(out, violation{r.Address, "auto_capture_config.enabled is false: production inferences are not recorded"})
		}
	}
	return out
}

// inferenceTable is the table an endpoint's auto-capture writes to:
// <catalog>.<schema>.<table_name_prefix, default the endpoint name>_payload.
// ok is false when capture is off or the name is not known at plan time.
func inferenceTable(r *resource) (table string, ok bool) {
	capture := asObject(endpointConfig(r)["auto_capture_config"])
	if capture == nil {
		return "", false
	}
	if on, known := asBool(capture["enabled"]); known && !on {
		return "", false
	}
	catalog, schema := asString(capture["catalog_name"]), asString(capture["schema_name"])
	prefix := asString(capture["table_name_prefix"])
	if prefix == "" {
		prefix = asString(r.value("name"))
	}
	if catalog == "" || schema == "" || prefix == "" {
		return "", false
	}
	return catalog + "." + schema + "." + prefix + inferenceTableSuffix, true
}

func checkServedModelsMonitored(v *planView, _ any) []violation {
	monitored := map[string]bool{}
	var pending []*resource // monitors whose table is known only at apply
	for _, m := range v.byType[typeQualityMonitor] {
		if t := asString(m.value("table_name")); t != "" {
			monitored[strings.ToLower(t)] = true
		} else if m.isUnknown("table_name") {
			pending = append(pending, m)
		}
	}
	var out []violation
	for _, r := range v.byType[typeServingEndpoint] {
		table, ok := inferenceTable(r)
		if !ok || monitorsInferenceData(monitored, table) || monitorRefersTo(pending, r.Address) {
			continue
		}
		var models []string
		for i, e := range asObjects(endpointConfig(r)["served_entities"]) {
			models = append(models, servedEntityName(e, i))
		}
		sort.Strings(models)
		for _, m := range models {
			out = append(out, violation{r.Address, fmt.Sprintf("served model %s has no quality monitor on inference table %s", m, table)})
		}
	}
	return out
}

// monitorsInferenceData reports whether a monitored table is the inference
// table <prefix>_payload or one unpacked from it beside it (<prefix>_…,
// e.g. the predictions table with one column per feature).
func monitorsInferenceData(monitored map[string]bool, payload string) bool {
	prefix := strings.TrimSuffix(strings.ToLower(payload), "_payload") + "_"
	for t := range monitored {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// monitorRefersTo reports whether a monitor's table_name is computed from
// the endpoint (table_name = "${brickops_serving_endpoint.x...}").
func monitorRefersTo(monitors []*resource, endpoint string) bool {
	base := strings.SplitN(endpoint, "[", 2)[0]
	for _, m := range monitors {
		for _, ref := range m.references("table_name") {
			if ref == base || strings.HasPrefix(ref, base+".") || strings.HasPrefix(ref, base+"[") {
				return true
			}
		}
	}
	return false
}

func checkBroadGrants(v *planView, params any) []violation {
	var principals []string
	for _, p := range params.(*grantParams).Principals {
		principals = append(principals, strings.ToLower(p))
	}
	var out []violation
	for _, r := range v.changed(typeGrants) {
		// The provider's grant blocks, or the REST API's
		// privilege_assignments: both are {principal, privileges}.
		entries := append(asObjects(r.value("grant")), asObjects(r.value("privilege_assignments"))...)
		for _, g := range entries {
			principal := asString(g["principal"])
			if !slices.Contains(principals, strings.ToLower(principal)) {
				continue
			}
			for _, p := range asStrings(g["privileges"]) {
				if strings.EqualFold(strings.ReplaceAll(p, " ", "_"), "ALL_PRIVILEGES") {
					out = append(out, violation{r.Address, fmt.Sprintf("grants ALL_PRIVILEGES to %q", principal)})
				}
			}
		}
	}
	return out
}

func checkProtectedDestroy(v *planView, params any) []violation {
	types := params.(*destroyParams).Types
	var out []violation
	for _, r := range v.destroyed {
		if !slices.Contains(types, r.Type) {
			continue
		}
		what := "deletes"
		if r.Action == planjson.ActionReplace {
			what = "replaces (deletes and recreates)"
		}
		name := asString(r.value("full_name"))
		if name == "" {
			name = asString(r.value("name"))
		}
		if name != "" {
			name = " " + name
		}
		out = append(out, violation{r.Address, fmt.Sprintf("the plan %s production %s%s", what, strings.TrimPrefix(r.Type, "brickops_"), name)})
	}
	return out
}
