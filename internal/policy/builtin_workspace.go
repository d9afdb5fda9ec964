package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// The workspace rules: who may use what (permissions, secret ACLs), where
// credentials live (never in plain environment variables), and the
// identities and limits jobs and warehouses run under.

const typeSecretACL = "brickops_secret_acl"

// permissionTargets names the object a brickops_permissions resource is
// about, by the attribute that identifies it.
var permissionTargets = []struct{ attr, what string }{
	{"job_id", "job"}, {"cluster_id", "cluster"}, {"cluster_policy_id", "cluster policy"},
	{"instance_pool_id", "instance pool"}, {"serving_endpoint_id", "serving endpoint"},
	{"experiment_id", "experiment"}, {"sql_endpoint_id", "SQL warehouse"},
	{"notebook_id", "notebook"}, {"notebook_path", "notebook"}, {"directory_id", "directory"},
	{"directory_path", "directory"}, {"workspace_file_id", "workspace file"},
	{"workspace_file_path", "workspace file"}, {"repo_id", "git folder"}, {"repo_path", "git folder"},
}

func permissionTarget(r *resource) string {
	for _, t := range permissionTargets {
		if r.value(t.attr) != nil || r.isUnknown(t.attr) {
			return t.what
		}
	}
	return "the object"
}

func checkUsersGroupPermissions(v *planView, params any) []violation {
	p := params.(*usersGroupParams)
	everyone := func(group string) bool {
		return slices.ContainsFunc(p.Groups, func(g string) bool { return strings.EqualFold(g, group) })
	}
	allowed := func(level string) bool {
		return slices.ContainsFunc(p.AllowedLevels, func(l string) bool { return strings.EqualFold(l, level) })
	}
	var out []violation
	for _, r := range v.changed(typePermissions) {
		for _, ac := range asObjects(r.value("access_control")) {
			group, level := asString(ac["group_name"]), asString(ac["permission_level"])
			if everyone(group) && !allowed(level) {
				out = append(out, violation{r.Address, fmt.Sprintf("grants %s on the %s to the %q group: every workspace user gets it", level, permissionTarget(r), group)})
			}
		}
	}
	for _, r := range v.changed(typeSecretACL) {
		principal, level := asString(r.value("principal")), asString(r.value("permission"))
		if everyone(principal) && !allowed(level) {
			out = append(out, violation{r.Address, fmt.Sprintf("grants %s on secret scope %s to the %q group: every workspace user can read its secrets", level, asString(r.value("scope")), principal)})
		}
	}
	return out
}

var (
	// secretReference is Databricks' {{secrets/<scope>/<key>}}, resolved
	// when the endpoint, cluster or job starts.
	secretReference = regexp.MustCompile(`\{\{secrets/[^/{}]+/[^/{}]+\}\}`)
	// secretName is a variable name that says it holds a credential.
	secretName = regexp.MustCompile(`(?i)(secret|token|passw(or)?d|pwd|api_?key|access_?key|private_?key|credentials?|conn(ection)?_?str(ing)?)$`)
	// secretShapes are values that are credentials whatever their name.
	secretShapes = []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`^dapi[0-9a-f]{32}(-\d+)?$`), "a Databricks token"},
		{regexp.MustCompile(`^(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})$`), "a GitHub token"},
		{regexp.MustCompile(`^sk-[A-Za-z0-9_-]{20,}$`), "an API secret key"},
		{regexp.MustCompile(`^AKIA[0-9A-Z]{16}$`), "an AWS access key"},
		{regexp.MustCompile(`AccountKey=[A-Za-z0-9+/=]{20,}`), "an Azure storage connection string"},
		{regexp.MustCompile(`^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.`), "a JSON web token"},
		{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), "a private key"},
	}
)

// plainSecret says why value, the value of variable name, is a credential
// in plain text ("" when it is not one). The reason never quotes the value.
func plainSecret(name string, value any) string {
	s, ok := value.(string)
	switch {
	case !ok || s == "" || secretReference.MatchString(s):
		return ""
	case s == planjson.RedactedValue:
		return "a sensitive value"
	}
	for _, shape := range secretShapes {
		if shape.re.MatchString(s) {
			return "the value looks like " + shape.what
		}
	}
	if secretName.MatchString(strings.ReplaceAll(name, "-", "_")) {
		return "its name says it is a credential"
	}
	return ""
}

// envVars reports the plain-text credentials of one environment variable
// map at path (under the resource's planned values and unknowns), naming
// each as label.NAME.
func envVars(r *resource, label string, vars any, path ...any) []violation {
	if vars == planjson.RedactedValue {
		return []violation{{r.Address, fmt.Sprintf("%s holds sensitive values in plain text: reference each as {{secrets/<scope>/<key>}}", label)}}
	}
	m := asMapOrEmpty(vars)
	var out []violation
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if unknownAt(r.unknown, append(path, name)...) {
			continue
		}
		if why := plainSecret(name, m[name]); why != "" {
			out = append(out, violation{r.Address, fmt.Sprintf("%s.%s is a secret in plain text (%s): reference it as {{secrets/<scope>/<key>}}", label, name, why)})
		}
	}
	return out
}

func checkPlainSecrets(v *planView, _ any) []violation {
	var out []violation
	for _, r := range v.changed(typeServingEndpoint) {
		cfg, prefix := endpointConfig(r), []any{}
		if _, ok := r.Values["served_entities"]; !ok {
			prefix = []any{"config", 0}
		}
		for i, e := range asObjects(cfg["served_entities"]) {
			path := append(slices.Clone(prefix), "served_entities", i, "environment_vars")
			label := "served entity " + servedEntityName(e, i) + ": environment_vars"
			out = append(out, envVars(r, label, e["environment_vars"], path...)...)
		}
	}
	for _, r := range v.changed(typeCluster) {
		out = append(out, envVars(r, "spark_env_vars", r.value("spark_env_vars"), "spark_env_vars")...)
	}
	for _, r := range v.changed(typeJob) {
		for _, c := range jobClusters(r) {
			out = append(out, envVars(r, c.label+".spark_env_vars", c.spec["spark_env_vars"], append(c.path, "spark_env_vars")...)...)
		}
	}
	return out
}

// jobCluster is one cluster spec of a job: a shared job cluster or a
// task's own new_cluster.
type jobCluster struct {
	label string
	spec  map[string]any
	path  []any // under the resource's values
}

func jobClusters(r *resource) []jobCluster {
	var out []jobCluster
	for i, jc := range asObjects(r.value("job_clusters")) {
		if spec := asObject(jc["new_cluster"]); spec != nil {
			out = append(out, jobCluster{fmt.Sprintf("job cluster %q", asString(jc["job_cluster_key"])), spec, []any{"job_clusters", i, "new_cluster"}})
		}
	}
	for i, t := range asObjects(r.value("tasks")) {
		if spec := asObject(t["new_cluster"]); spec != nil {
			out = append(out, jobCluster{fmt.Sprintf("task %q's new_cluster", asString(t["task_key"])), spec, []any{"tasks", i, "new_cluster"}})
		}
	}
	return out
}

func checkJobRunAs(v *planView, params any) []violation {
	exempt := params.(*runAsParams).ExemptEnvironments
	if slices.ContainsFunc(exempt, func(e string) bool { return strings.EqualFold(e, v.env) }) {
		return nil
	}
	var out []violation
	for _, r := range v.changed(typeJob) {
		ra := asObject(r.value("run_as"))
		switch {
		case asString(ra["service_principal_name"]) != "" || unknownAt(r.unknown, "run_as", "service_principal_name"):
			continue // a service principal, or one created in this plan
		case asString(ra["user_name"]) != "":
			out = append(out, violation{r.Address, fmt.Sprintf("runs as the user %q, not a service principal", asString(ra["user_name"]))})
		default:
			out = append(out, violation{r.Address, "has no run_as: it runs as whoever created it, not a service principal"})
		}
	}
	return out
}

// warehouseDefaultAutoStop is the API's auto_stop_mins when none is given.
const warehouseDefaultAutoStop = 120

func checkWarehouseAutoStop(v *planView, params any) []violation {
	max := params.(*autoTermParams).MaxMinutes
	var out []violation
	for _, r := range v.changed(typeSQLWarehouse) {
		if r.pending("auto_stop_mins") {
			continue
		}
		n, ok := asNumber(r.value("auto_stop_mins"))
		switch {
		case !ok && max > 0 && max < warehouseDefaultAutoStop:
			out = append(out, violation{r.Address, fmt.Sprintf("auto_stop_mins is not set: the warehouse stops after the API's default of %d idle minutes, above the limit of %d", warehouseDefaultAutoStop, max)})
		case ok && n <= 0:
			out = append(out, violation{r.Address, "auto_stop_mins is 0: the warehouse never stops when idle"})
		case ok && max > 0 && n > float64(max):
			out = append(out, violation{r.Address, fmt.Sprintf("auto_stop_mins is %g, above the limit of %d", n, max)})
		}
	}
	return out
}

func checkJobClusterPolicy(v *planView, _ any) []violation {
	var out []violation
	for _, r := range v.changed(typeJob) {
		for _, c := range jobClusters(r) {
			if asString(c.spec["policy_id"]) == "" && !unknownAt(r.unknown, append(c.path, "policy_id")...) {
				out = append(out, violation{r.Address, c.label + " has no policy_id: no cluster policy limits it"})
			}
		}
	}
	return out
}

// unknownAt reports whether the value at path (map keys and list indexes)
// is known only after apply, given a change's after_unknown. A string key
// met on a list reads the list's single element, as asObject does.
func unknownAt(unknown any, path ...any) bool {
	cur := unknown
	for _, step := range path {
		if b, ok := cur.(bool); ok {
			return b
		}
		switch s := step.(type) {
		case string:
			if list, ok := cur.([]any); ok && len(list) == 1 {
				cur = list[0]
			}
			cur = asMapOrEmpty(cur)[s]
		case int:
			list, _ := cur.([]any)
			if s >= len(list) {
				return false
			}
			cur = list[s]
		}
	}
	b, _ := cur.(bool)
	return b
}
