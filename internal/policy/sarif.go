package policy

import (
	"path/filepath"
	"strings"
)

// SARIF 2.1.0 as GitHub code scanning reads it: a tool driver listing the
// rules (with help text) and results pointing at the plan file, with the
// resource address as the logical location. Waived findings are kept as
// suppressed results so the waiver shows in the alert history.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
	// SecuritySeverity is what code scanning ranks alerts by (0.0–10.0).
	SecuritySeverity string `json:"security-severity"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

var sarifLevel = map[Severity]string{SeverityError: "error", SeverityWarning: "warning", SeverityNote: "note"}

var securitySeverity = map[Severity]string{SeverityError: "7.0", SeverityWarning: "4.0", SeverityNote: "1.0"}

// SARIF converts the report to a SARIF 2.1.0 log.
func (r *Report) SARIF(toolVersion string) any {
	rules := make([]sarifRule, 0, len(r.Rules))
	index := map[string]int{}
	for i, ru := range r.Rules {
		index[ru.ID] = i
		short := ru.Name
		if ru.Rationale != "" {
			short = ru.Rationale
		}
		help := ru.Rationale
		md := "**" + ru.Name + "** — " + ru.Rationale
		if ru.Fix != "" {
			help += " Fix: " + ru.Fix
			md += "\n\n**Fix:** " + ru.Fix
		}
		tags := []string{"terraform", "databricks", "policy"}
		if ru.Source != "builtin" {
			tags = append(tags, "rego")
		}
		rules = append(rules, sarifRule{
			ID: ru.ID, Name: sarifRuleName(ru.Name),
			ShortDescription:     sarifText{Text: short},
			FullDescription:      sarifText{Text: strings.TrimSpace(ru.Rationale + " " + ru.Fix)},
			Help:                 sarifText{Text: strings.TrimSpace(help), Markdown: md},
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel[ru.Severity]},
			Properties:           sarifRuleProps{Tags: tags, SecuritySeverity: securitySeverity[ru.Severity]},
		})
	}
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel[f.Severity],
			Message:   sarifText{Text: "[" + f.Env + "] " + f.where() + ": " + f.Message},
			Locations: []sarifLocation{{PhysicalLocation: physicalLocation(f)}},
			// Code scanning matches alerts across runs by fingerprint:
			// the same rule on the same resource in the same env is the
			// same alert.
			PartialFingerprints: map[string]string{"brickopsFinding/v1": f.Env + "|" + f.RuleID + "|" + f.where()},
			Properties:          map[string]any{"env": f.Env},
		}
		if f.Address != "" {
			res.Locations[0].LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Address, Kind: "resource"}}
		}
		if f.Waived != nil {
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
				Justification: f.Waived.Reason + " (waived until " + f.Waived.Expires + ")"}}
		}
		results = append(results, res)
	}
	return sarifLog{
		Schema: sarifSchema, Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{Name: "brickops", Version: toolVersion,
				InformationURI: "https://github.com/brickops/terraform-provider-brickops", Rules: rules}},
			Results: results,
		}},
	}
}

// physicalLocation is the resource block when it was found, else the
// plan file.
func physicalLocation(f Finding) sarifPhysical {
	if f.File != "" {
		return sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(f.File)}, Region: sarifRegion{StartLine: f.Line}}
	}
	return sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(f.PlanFile)}, Region: sarifRegion{StartLine: 1}}
}

// sarifRuleName makes a PascalCase name, the convention SARIF viewers show.
func sarifRuleName(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// artifactURI makes the plan path relative (code scanning resolves URIs
// against the repository root) with forward slashes.
func artifactURI(path string) string {
	if filepath.IsAbs(path) {
		if wd, err := filepath.Abs("."); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
				path = rel
			}
		}
	}
	return filepath.ToSlash(path)
}
