package planjson

import (
	"reflect"
	"sort"
	"strings"
)

// redact replaces, in place, every value a report or policy must never see:
//   - what the plan marks sensitive (before_sensitive / after_sensitive of
//     resource changes, drift and outputs; sensitive_values of planned and
//     prior state; outputs marked sensitive);
//   - root variables declared sensitive, and the defaults of sensitive
//     variables in the configuration;
//   - credentials in provider blocks: arguments of configuration.provider_config
//     whose name says they carry one (token, client_secret, password, ...),
//     and the root variables those arguments are set from. Terraform writes
//     a literal provider argument into the plan as is, marked or not.
//
// Only the marked values are touched; the document is not copied.
func redact(p *Plan) {
	for i, e := range list(p.Doc["resource_changes"]) {
		change := Object(Object(e)["change"])
		if change == nil || i >= len(p.Changes) {
			continue
		}
		rc := &p.Changes[i]
		rc.SensitiveChanged = sensitiveChanges(change)
		redactChange(change)
		// A wholly sensitive before/after is now a string, not an object.
		rc.Before, rc.After = Object(change["before"]), Object(change["after"])
	}
	for _, e := range list(p.Doc["resource_drift"]) {
		redactChange(Object(Object(e)["change"]))
	}
	for _, c := range Object(p.Doc["output_changes"]) {
		redactChange(Object(c))
	}
	for _, state := range []map[string]any{Object(p.Doc["planned_values"]), Object(Object(p.Doc["prior_state"])["values"])} {
		redactModule(Object(state["root_module"]))
		for _, o := range Object(state["outputs"]) {
			if out := Object(o); out["sensitive"] == true {
				out["value"] = RedactedValue
			}
		}
	}
	cfg := Object(p.Doc["configuration"])
	secretVars := map[string]bool{}
	for name, v := range Object(Object(cfg["root_module"])["variables"]) {
		if Object(v)["sensitive"] == true {
			secretVars[name] = true
		}
	}
	redactVariableDefaults(Object(cfg["root_module"]))
	for _, pc := range Object(cfg["provider_config"]) {
		redactCredentials(Object(Object(pc)["expressions"]), secretVars)
	}
	for name, v := range Object(p.Doc["variables"]) {
		if secretVars[name] {
			if val := Object(v); val != nil {
				val["value"] = RedactedValue
			}
		}
	}
}

// redactVariableDefaults hides the default of every sensitive variable of
// a configuration module and the modules it calls.
func redactVariableDefaults(m map[string]any) {
	for _, v := range Object(m["variables"]) {
		if decl := Object(v); decl["sensitive"] == true {
			if _, ok := decl["default"]; ok {
				decl["default"] = RedactedValue
			}
		}
	}
	for _, c := range Object(m["module_calls"]) {
		redactVariableDefaults(Object(Object(c)["module"]))
	}
}

// redactChange redacts a change's before and after by their masks.
func redactChange(change map[string]any) {
	if change == nil {
		return
	}
	change["before"] = mask(change["before"], change["before_sensitive"])
	change["after"] = mask(change["after"], change["after_sensitive"])
}

// redactModule redacts resource values of a state module and its children.
func redactModule(m map[string]any) {
	if m == nil {
		return
	}
	for _, r := range list(m["resources"]) {
		if res := Object(r); res != nil {
			res["values"] = mask(res["values"], res["sensitive_values"])
		}
	}
	for _, c := range list(m["child_modules"]) {
		redactModule(Object(c))
	}
}

// mask applies a Terraform sensitivity mask: true hides the value, an
// object or list mask recurses into the matching keys or elements.
func mask(v, m any) any {
	switch mm := m.(type) {
	case bool:
		if mm && v != nil {
			return RedactedValue
		}
	case map[string]any:
		if obj, ok := v.(map[string]any); ok {
			for k, sub := range mm {
				if x, ok := obj[k]; ok {
					obj[k] = mask(x, sub)
				}
			}
		}
	case []any:
		if arr, ok := v.([]any); ok {
			for i, sub := range mm {
				if i < len(arr) {
					arr[i] = mask(arr[i], sub)
				}
			}
		}
	}
	return v
}

// sensitiveChanges names the top-level attributes marked sensitive whose
// value differs between before and after, read before redaction.
func sensitiveChanges(change map[string]any) []string {
	before, after := Object(change["before"]), Object(change["after"])
	if before == nil || after == nil {
		return nil
	}
	names := map[string]bool{}
	for _, m := range []map[string]any{Object(change["before_sensitive"]), Object(change["after_sensitive"])} {
		for k, s := range m {
			if marked(s) && !reflect.DeepEqual(before[k], after[k]) {
				names[k] = true
			}
		}
	}
	out := make([]string, 0, len(names))
	for k := range names {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// marked reports whether a sensitivity mask hides anything.
func marked(m any) bool {
	switch mm := m.(type) {
	case bool:
		return mm
	case map[string]any:
		for _, s := range mm {
			if marked(s) {
				return true
			}
		}
	case []any:
		for _, s := range mm {
			if marked(s) {
				return true
			}
		}
	}
	return false
}

// redactCredentials hides the constant value of provider arguments that
// carry credentials, in nested blocks too, and adds the root variables
// they are set from to vars.
func redactCredentials(exprs map[string]any, vars map[string]bool) {
	for name, e := range exprs {
		switch ex := e.(type) {
		case map[string]any:
			if !IsCredentialArgument(name) {
				continue
			}
			if _, ok := ex["constant_value"]; ok {
				ex["constant_value"] = RedactedValue
			}
			for _, ref := range list(ex["references"]) {
				if v, ok := strings.CutPrefix(str(ref), "var."); ok {
					vars[v] = true
				}
			}
		case []any: // a nested block: a list of expression maps
			for _, block := range ex {
				redactCredentials(Object(block), vars)
			}
		}
	}
}

// credentialWords are the parts of a provider argument name that say it
// carries a credential (databricks token, azurerm client_secret, ...).
var credentialWords = []string{"token", "secret", "password", "passwd", "private_key", "credential", "api_key", "apikey", "access_key", "account_key", "certificate", "sas_"}

// IsCredentialArgument reports whether a provider argument holds a
// credential, by its name.
func IsCredentialArgument(name string) bool {
	n := strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key" || strings.HasSuffix(n, "_key")
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
