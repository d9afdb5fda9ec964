package policy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

func check(t *testing.T, cfg *config.File, plans ...*planjson.Plan) *Report {
	t.Helper()
	e, err := New(context.Background(), Options{Config: cfg, Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Check(context.Background(), plans)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// findingsOf lists "RULE address: message" for one rule.
func findingsOf(rep *Report, rule string) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.RuleID == rule {
			out = append(out, f.RuleID+" "+f.Address+": "+f.Message)
		}
	}
	return out
}

func TestBuiltinRules(t *testing.T) {
	model := map[string]any{"name": "fraud", "catalog_name": "main", "schema_name": "ml", "owner": "ml-team"}
	cases := []struct {
		rule string
		env  string
		pass []res
		fail []res
		want string // the failing case's finding
	}{
		{"BO001", "dev",
			[]res{create("brickops_cluster.etl", goodCluster())},
			[]res{create("brickops_cluster.etl", with(goodCluster(), "autotermination_minutes", 0))},
			"BO001 brickops_cluster.etl: autotermination_minutes is 0: the cluster never terminates when idle"},
		{"BO001", "dev",
			[]res{create("brickops_cluster.etl", with(goodCluster(), "autotermination_minutes", 120))},
			[]res{create("brickops_cluster.etl", with(goodCluster(), "autotermination_minutes", 600))},
			"BO001 brickops_cluster.etl: autotermination_minutes is 600, above the limit of 120"},
		{"BO001", "dev",
			[]res{{addr: "brickops_cluster.etl", actions: []string{"create"}, after: with(goodCluster(), "autotermination_minutes", nil),
				unknown: map[string]any{"autotermination_minutes": true}, refs: map[string][]string{"autotermination_minutes": {"var.idle"}},
				configured: []string{"cluster_name", "autotermination_minutes"}}},
			[]res{{addr: "brickops_cluster.etl", actions: []string{"create"}, after: with(goodCluster(), "autotermination_minutes", nil),
				unknown: map[string]any{"autotermination_minutes": true}, configured: []string{"cluster_name"}}},
			"BO001 brickops_cluster.etl: autotermination_minutes is not set: the cluster never terminates when idle"},
		{"BO002", "dev",
			[]res{create("brickops_cluster.etl", with(goodCluster(), "driver_node_type_id", "Standard_E8ds_v5"))},
			[]res{create("brickops_cluster.etl", with(goodCluster(), "driver_node_type_id", "Standard_NC24ads_A100_v4"))},
			`BO002 brickops_cluster.etl: driver_node_type_id "Standard_NC24ads_A100_v4" is not an allowed node type`},
		{"BO003", "dev",
			[]res{create("brickops_cluster.etl", goodCluster())},
			[]res{create("brickops_cluster.etl", with(goodCluster(), "custom_tags", map[string]any{"team": "x"}))},
			"BO003 brickops_cluster.etl: custom_tags lacks required tag(s): owner"},
		{"BO004", "dev",
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint())},
			[]res{create("brickops_serving_endpoint.fraud", with(goodEndpoint(), "tags", nil))},
			"BO004 brickops_serving_endpoint.fraud: tags lacks required tag(s): owner"},
		{"BO005", "dev",
			[]res{create("brickops_registered_model.fraud", model)},
			[]res{{addr: "brickops_registered_model.fraud", actions: []string{"create"}, after: with(model, "owner", nil),
				unknown: map[string]any{"owner": true}, configured: []string{"name", "catalog_name", "schema_name"}}},
			"BO005 brickops_registered_model.fraud: owner is not set: the model would be owned by whoever runs Terraform"},
		{"BO006", "prod",
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()), create("brickops_quality_monitor.fraud", goodMonitor())},
			[]res{create("brickops_serving_endpoint.fraud", with(goodEndpoint(), "served_entities", []any{map[string]any{
				"name": "fraud-3", "entity_name": "main.ml.fraud", "entity_version": "3", "scale_to_zero_enabled": true}})),
				create("brickops_quality_monitor.fraud", goodMonitor())},
			"BO006 brickops_serving_endpoint.fraud: served entity fraud-3 scales to zero in production"},
		{"BO007", "prod",
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()), create("brickops_quality_monitor.fraud", goodMonitor())},
			[]res{create("brickops_serving_endpoint.fraud", with(goodEndpoint(), "auto_capture_config",
				[]any{map[string]any{"catalog_name": "main", "schema_name": "ml", "enabled": false}}))},
			"BO007 brickops_serving_endpoint.fraud: auto_capture_config.enabled is false: production inferences are not recorded"},
		{"BO008", "prod",
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()),
				{addr: "brickops_quality_monitor.fraud", actions: []string{"create"}, after: with(goodMonitor(), "table_name", nil),
					unknown: map[string]any{"table_name": true}, refs: map[string][]string{"table_name": {"brickops_serving_endpoint.fraud.auto_capture_config[0].table_name", "brickops_serving_endpoint.fraud"}}}},
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()), create("brickops_quality_monitor.other", with(goodMonitor(), "table_name", "main.ml.other_payload"))},
			"BO008 brickops_serving_endpoint.fraud: served model fraud-3 has no quality monitor on inference table main.ml.fraud_payload"},
		{"BO008", "prod",
			// A monitor of the table unpacked from the inference table counts.
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()), create("brickops_quality_monitor.fraud", with(goodMonitor(), "table_name", "main.ml.fraud_predictions"))},
			[]res{create("brickops_serving_endpoint.fraud", goodEndpoint()), create("brickops_quality_monitor.other", with(goodMonitor(), "table_name", "main.ml.fraudulent_predictions"))},
			"BO008 brickops_serving_endpoint.fraud: served model fraud-3 has no quality monitor on inference table main.ml.fraud_payload"},
		{"BO009", "dev",
			[]res{create("brickops_grants.main", map[string]any{"catalog": "main", "grant": []any{
				map[string]any{"principal": "account users", "privileges": []any{"USE_CATALOG", "SELECT"}},
				map[string]any{"principal": "admins", "privileges": []any{"ALL_PRIVILEGES"}}}})},
			[]res{create("brickops_grants.main", map[string]any{"catalog": "main", "grant": []any{
				map[string]any{"principal": "account users", "privileges": []any{"ALL_PRIVILEGES"}}}})},
			`BO009 brickops_grants.main: grants ALL_PRIVILEGES to "account users"`},
		{"BO010", "prod",
			[]res{create("brickops_registered_model.fraud", model), destroy("brickops_cluster.old", goodCluster())},
			[]res{destroy("brickops_registered_model.fraud", with(model, "full_name", "main.ml.fraud"))},
			"BO010 brickops_registered_model.fraud: the plan deletes production registered_model main.ml.fraud"},
		{"BO010", "prod",
			[]res{destroy("brickops_catalog.scratch", map[string]any{"name": "scratch"})}, // pass: see below, dev only
			[]res{{addr: "brickops_catalog.main", actions: []string{"delete", "create"}, before: map[string]any{"name": "main"}, after: map[string]any{"name": "main", "storage_root": "abfss://x"}}},
			"BO010 brickops_catalog.main: the plan replaces (deletes and recreates) production catalog main"},
		{"BO011", "dev",
			[]res{create("brickops_permissions.retrain", map[string]any{"job_id": "42", "access_control": []any{
				map[string]any{"group_name": "ml-engineers", "permission_level": "CAN_MANAGE"}}}),
				create("brickops_secret_acl.ml", map[string]any{"scope": "ml", "principal": "ml-engineers", "permission": "READ"})},
			[]res{create("brickops_permissions.endpoint", map[string]any{"serving_endpoint_id": "ab12", "access_control": []any{
				map[string]any{"group_name": "ml-engineers", "permission_level": "CAN_MANAGE"},
				map[string]any{"group_name": "users", "permission_level": "CAN_MANAGE"}}})},
			`BO011 brickops_permissions.endpoint: grants CAN_MANAGE on the serving endpoint to the "users" group: every workspace user gets it`},
		{"BO011", "dev",
			nil,
			[]res{create("brickops_secret_acl.ml", map[string]any{"scope": "ml-prod", "principal": "users", "permission": "READ"})},
			`BO011 brickops_secret_acl.ml: grants READ on secret scope ml-prod to the "users" group: every workspace user can read its secrets`},
		{"BO012", "dev",
			[]res{create("brickops_serving_endpoint.fraud", with(goodEndpoint(), "served_entities", []any{map[string]any{
				"name": "fraud-3", "entity_name": "main.ml.fraud", "entity_version": "3",
				"environment_vars": map[string]any{"API_KEY": "{{secrets/ml/api-key}}", "LOG_LEVEL": "info", "TOKEN_URL": "https://login.example.com"}}})),
				// Set from another resource: known only at apply.
				{addr: "brickops_cluster.etl", actions: []string{"create"}, after: with(goodCluster(), "spark_env_vars", map[string]any{"DB_PASSWORD": nil}),
					unknown: map[string]any{"spark_env_vars": map[string]any{"DB_PASSWORD": true}}}},
			[]res{create("brickops_serving_endpoint.fraud", with(goodEndpoint(), "served_entities", []any{map[string]any{
				"name": "fraud-3", "entity_name": "main.ml.fraud", "entity_version": "3",
				"environment_vars": map[string]any{"OPENAI_API_KEY": "not-a-reference", "LOG_LEVEL": "info"}}}))},
			`BO012 brickops_serving_endpoint.fraud: served entity fraud-3: environment_vars.OPENAI_API_KEY is a secret in plain text (its name says it is a credential): reference it as {{secrets/<scope>/<key>}}`},
		{"BO012", "dev",
			[]res{create("brickops_cluster.etl", with(goodCluster(), "spark_env_vars", map[string]any{"HOST": "https://adb-1.azuredatabricks.net"}))},
			[]res{create("brickops_cluster.etl", with(goodCluster(), "spark_env_vars", map[string]any{"HOST": "dapi0123456789abcdef0123456789abcdef"}))},
			`BO012 brickops_cluster.etl: spark_env_vars.HOST is a secret in plain text (the value looks like a Databricks token): reference it as {{secrets/<scope>/<key>}}`},
		{"BO012", "dev",
			[]res{create("brickops_job.retrain", goodJob())},
			[]res{create("brickops_job.retrain", with(goodJob(), "tasks", []any{map[string]any{"task_key": "score",
				"new_cluster": map[string]any{"policy_id": "P1", "spark_env_vars": map[string]any{"STORAGE": "(sensitive value)"}}}}))},
			`BO012 brickops_job.retrain: task "score"'s new_cluster.spark_env_vars.STORAGE is a secret in plain text (a sensitive value): reference it as {{secrets/<scope>/<key>}}`},
		{"BO013", "prod",
			[]res{{addr: "brickops_job.retrain", actions: []string{"create"}, after: with(goodJob(), "run_as", map[string]any{"service_principal_name": nil}),
				unknown: map[string]any{"run_as": map[string]any{"service_principal_name": true}}}},
			[]res{create("brickops_job.retrain", with(goodJob(), "run_as", map[string]any{"user_name": "alice@example.com"}))},
			`BO013 brickops_job.retrain: runs as the user "alice@example.com", not a service principal`},
		{"BO013", "staging",
			[]res{create("brickops_job.retrain", goodJob())},
			[]res{create("brickops_job.retrain", with(goodJob(), "run_as", nil))},
			`BO013 brickops_job.retrain: has no run_as: it runs as whoever created it, not a service principal`},
		{"BO014", "dev",
			[]res{create("brickops_sql_warehouse.bi", map[string]any{"name": "bi", "auto_stop_mins": 10})},
			[]res{create("brickops_sql_warehouse.bi", map[string]any{"name": "bi", "auto_stop_mins": 0})},
			`BO014 brickops_sql_warehouse.bi: auto_stop_mins is 0: the warehouse never stops when idle`},
		{"BO014", "dev",
			[]res{{addr: "brickops_sql_warehouse.bi", actions: []string{"create"}, after: map[string]any{"name": "bi"},
				unknown: map[string]any{"auto_stop_mins": true}, refs: map[string][]string{"auto_stop_mins": {"var.idle"}}}},
			[]res{{addr: "brickops_sql_warehouse.bi", actions: []string{"create"}, after: map[string]any{"name": "bi"},
				unknown: map[string]any{"auto_stop_mins": true}}},
			`BO014 brickops_sql_warehouse.bi: auto_stop_mins is not set: the warehouse stops after the API's default of 120 idle minutes, above the limit of 60`},
		{"BO015", "dev",
			[]res{{addr: "brickops_job.retrain", actions: []string{"create"}, after: goodJob(),
				unknown: map[string]any{"job_clusters": []any{map[string]any{"new_cluster": map[string]any{"policy_id": true}}}}}},
			[]res{create("brickops_job.retrain", with(goodJob(), "job_clusters", []any{map[string]any{"job_cluster_key": "train",
				"new_cluster": map[string]any{"spark_version": "15.4.x-cpu-ml-scala2.12"}}}))},
			`BO015 brickops_job.retrain: job cluster "train" has no policy_id: no cluster policy limits it`},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+c.want[6:min(len(c.want), 40)], func(t *testing.T) {
			passEnv := c.env
			if c.rule == "BO010" && strings.Contains(c.want, "catalog") {
				passEnv = "dev" // the same deletion outside production passes
			}
			if c.pass == nil {
				c.pass = []res{create("brickops_catalog.main", map[string]any{"name": "main"})}
			}
			if got := findingsOf(check(t, nil, writePlan(t, passEnv, c.pass...)), c.rule); len(got) != 0 {
				t.Errorf("passing case reported %v", got)
			}
			rep := check(t, nil, writePlan(t, c.env, c.fail...))
			got := findingsOf(rep, c.rule)
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("failing case reported %q, want %q", got, c.want)
			}
			if !rep.Denied() {
				t.Error("an error-severity finding did not deny the plan")
			}
		})
	}
}

func TestProdRulesIgnoreOtherEnvironments(t *testing.T) {
	ep := with(goodEndpoint(), "auto_capture_config", nil)
	ep = with(ep, "served_entities", []any{map[string]any{"entity_name": "main.ml.fraud", "scale_to_zero_enabled": true}})
	rep := check(t, nil, writePlan(t, "staging", create("brickops_serving_endpoint.fraud", ep)))
	if len(rep.Findings) != 0 {
		t.Errorf("staging findings: %+v", rep.Findings)
	}
	rep = check(t, nil, writePlan(t, "prod", create("brickops_serving_endpoint.fraud", ep)))
	if got := len(findingsOf(rep, "BO006")) + len(findingsOf(rep, "BO007")); got != 2 {
		t.Errorf("prod findings: %+v", rep.Findings)
	}
}

func TestUnchangedResourcesAreNotJudged(t *testing.T) {
	bad := with(goodCluster(), "autotermination_minutes", 0)
	rep := check(t, nil, writePlan(t, "dev", res{addr: "brickops_cluster.legacy", actions: []string{"no-op"}, before: bad, after: bad}))
	if len(rep.Findings) != 0 {
		t.Errorf("findings on an unchanged cluster: %+v", rep.Findings)
	}
}

func TestRuleSettings(t *testing.T) {
	cfg, err := config.Parse([]byte(`
policy:
  rules:
    BO001: {max_minutes: 30}
    BO002: {enabled: false}
    BO003: {severity: warning, required_tags: [owner, cost_center]}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := with(goodCluster(), "autotermination_minutes", 45)
	c = with(c, "node_type_id", "Standard_NC6s_v3")
	rep := check(t, cfg, writePlan(t, "dev", create("brickops_cluster.etl", c)))
	if got := findingsOf(rep, "BO001"); len(got) != 1 || !strings.Contains(got[0], "above the limit of 30") {
		t.Errorf("BO001 with max_minutes 30: %v", got)
	}
	if got := findingsOf(rep, "BO002"); len(got) != 0 {
		t.Errorf("disabled BO002 reported %v", got)
	}
	bo3 := findingsOf(rep, "BO003")
	if len(bo3) != 1 || !strings.HasSuffix(bo3[0], "lacks required tag(s): cost_center") {
		t.Errorf("BO003 = %v", bo3)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "BO003" && f.Severity != SeverityWarning {
			t.Errorf("BO003 severity = %s", f.Severity)
		}
	}
}

func TestConfigErrorsNameTheFileAndRule(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown rule":        {"policy:\n  rules:\n    BO999: {enabled: false}\n", `brickops.yaml: line 3: policy.rules: unknown rule ID "BO999" (built-in rules: BO001, BO002`},
		"unknown param":       {"policy:\n  rules:\n    BO001: {max_minute: 30}\n", `brickops.yaml: line 3: policy.rules.BO001: unknown parameter "max_minute" (known: max_minutes)`},
		"wrong param type":    {"policy:\n  rules:\n    BO001: {max_minutes: soon}\n", `brickops.yaml: line 3: policy.rules.BO001: parameter max_minutes must be int`},
		"unknown waiver rule": {"policy:\n  waivers:\n    - {rule: BO42, reason: x, expires: 2027-01-01}\n", `brickops.yaml: line 3: policy.waivers[0]: unknown rule ID "BO42"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Path = "brickops.yaml"
			_, err = New(context.Background(), Options{Config: cfg})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error = %v, want prefix %q", err, c.want)
			}
		})
	}
}

func TestWaivers(t *testing.T) {
	cfg, err := config.Parse([]byte(`
policy:
  waivers:
    - rule: BO010
      resource: brickops_registered_model.fraud
      env: prod
      reason: model retired, versions archived (CHG-1234)
      expires: 2026-12-31
    - rule: BO001
      resource: brickops_cluster.legacy_*
      reason: legacy clusters, migrated in Q4
      expires: 2026-10-01
`))
	if err != nil {
		t.Fatal(err)
	}
	plan := writePlan(t, "prod",
		destroy("brickops_registered_model.fraud", map[string]any{"name": "fraud"}),
		create("brickops_cluster.legacy_a", with(goodCluster(), "autotermination_minutes", 0)))
	rep := check(t, cfg, plan)
	var waived, expired *Finding
	for i, f := range rep.Findings {
		switch f.RuleID {
		case "BO010":
			waived = &rep.Findings[i]
		case "BO001":
			expired = &rep.Findings[i]
		}
	}
	if waived == nil || waived.Waived == nil || waived.Waived.Reason != "model retired, versions archived (CHG-1234)" {
		t.Fatalf("BO010 finding = %+v", waived)
	}
	if expired == nil || expired.Waived != nil || expired.ExpiredWaiver == nil || expired.ExpiredWaiver.Expires != "2026-10-01" {
		t.Fatalf("BO001 finding = %+v", expired)
	}
	if !rep.Denied() {
		t.Error("an expired waiver still waives")
	}
	if d, _, w := rep.Counts(); d != 1 || w != 1 {
		t.Errorf("counts: denied %d waived %d", d, w)
	}
	var text strings.Builder
	if err := rep.Write(&text, FormatText, "test"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"WAIVED  [prod] BO010 brickops_registered_model.fraud",
		"waived until 2026-12-31: model retired, versions archived (CHG-1234)",
		"waiver expired on 2026-10-01 (line 9: legacy clusters, migrated in Q4); it no longer applies",
		"DENIED: 1 denied, 0 warning(s), 1 waived, 0 exception(s) across 1 plan(s)",
		"note: waiver for BO001 on brickops_cluster.legacy_* (brickops.yaml line 9) expired on 2026-10-01; it no longer applies: remove or renew it",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	// In another environment the env-scoped waiver does not apply.
	rep = check(t, cfg, writePlan(t, "production", destroy("brickops_registered_model.fraud", map[string]any{"name": "fraud"})))
	if !rep.Denied() {
		t.Error("waiver for env prod applied to production")
	}
}

func TestAddressMatches(t *testing.T) {
	cases := []struct {
		pattern, address string
		want             bool
	}{
		{"", "a.b", true},
		{"*", `a.b["x"]`, true},
		{`brickops_cluster.x["a"]`, `brickops_cluster.x["a"]`, true},
		{`brickops_cluster.x["a"]`, `brickops_cluster.x["b"]`, false},
		{"brickops_cluster.legacy_*", "brickops_cluster.legacy_etl", true},
		{"brickops_cluster.legacy_*", "brickops_cluster.new", false},
		{"module.*.brickops_cluster.x", "module.team.brickops_cluster.x", true},
	}
	for _, c := range cases {
		if got := addressMatches(c.pattern, c.address); got != c.want {
			t.Errorf("addressMatches(%q, %q) = %v", c.pattern, c.address, got)
		}
	}
}

func TestEveryRuleIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Builtin() {
		if seen[r.ID] || r.Name == "" || r.Rationale == "" || r.Fix == "" || strings.Contains(r.Rationale, "\n") {
			t.Errorf("rule %s: duplicate or missing name/rationale/fix", r.ID)
		}
		seen[r.ID] = true
	}
	if len(seen) < 10 {
		t.Errorf("%d rules", len(seen))
	}
}

func TestWorkspaceRules_settingsAndSecrecy(t *testing.T) {
	// BO013 exempts dev by default: a job there may run as its author.
	if got := findingsOf(check(t, nil, writePlan(t, "dev", create("brickops_job.retrain", with(goodJob(), "run_as", nil)))), "BO013"); len(got) != 0 {
		t.Errorf("BO013 in dev: %v", got)
	}
	// BO011's allowed_levels lets everyone view, still not manage.
	cfg, err := config.Parse([]byte("policy:\n  rules:\n    BO011: {allowed_levels: [CAN_VIEW]}\n    BO013: {exempt_environments: []}\n"))
	if err != nil {
		t.Fatal(err)
	}
	perms := create("brickops_permissions.retrain", map[string]any{"job_id": "42", "access_control": []any{
		map[string]any{"group_name": "users", "permission_level": "CAN_VIEW"},
		map[string]any{"group_name": "Users", "permission_level": "CAN_MANAGE_RUN"}}})
	rep := check(t, cfg, writePlan(t, "dev", perms, create("brickops_job.retrain", with(goodJob(), "run_as", nil))))
	if got := findingsOf(rep, "BO011"); len(got) != 1 || !strings.Contains(got[0], `grants CAN_MANAGE_RUN on the job to the "Users" group`) {
		t.Errorf("BO011 with allowed_levels [CAN_VIEW]: %v", got)
	}
	if got := findingsOf(rep, "BO013"); len(got) != 1 {
		t.Errorf("BO013 with no exempt environments, in dev: %v", got)
	}
	// A finding names the variable and why, never the value.
	const token = "dapi0123456789abcdef0123456789abcdef"
	ep := with(goodEndpoint(), "served_entities", []any{map[string]any{"entity_name": "main.ml.fraud", "entity_version": "3",
		"environment_vars": map[string]any{"DATABRICKS_TOKEN": token}}})
	rep = check(t, nil, writePlan(t, "dev", create("brickops_serving_endpoint.fraud", ep)))
	got := findingsOf(rep, "BO012")
	if len(got) != 1 || strings.Contains(got[0], token) || !strings.Contains(got[0], "DATABRICKS_TOKEN is a secret in plain text (the value looks like a Databricks token)") {
		t.Errorf("BO012 = %v", got)
	}
}
