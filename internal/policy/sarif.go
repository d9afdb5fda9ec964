package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
	// OriginalURIBaseIDs says where the relative artifact URIs start:
	// %SRCROOT% is the repository (code scanning's checkout).
	OriginalURIBaseIDs map[string]sarifBase `json:"originalUriBaseIds"`
}

type sarifBase struct {
	URI string `json:"uri"`
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
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
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
		switch {
		case ru.Title != "":
			short = ru.Title
		case ru.Rationale != "":
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
	bases := newURIBases()
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel[f.Severity],
			Message:   sarifText{Text: "[" + f.Env + "] " + f.where() + ": " + f.Message},
			Locations: []sarifLocation{{PhysicalLocation: bases.physicalLocation(f)}},
			// Code scanning matches alerts across runs by fingerprint and
			// merges results that share one: the same rule, resource and
			// message in the same env is the same alert, anything else is
			// another (string-returning Rego rules name no resource).
			PartialFingerprints: map[string]string{"brickopsFinding/v2": fingerprint(f)},
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
			Results:            results,
			OriginalURIBaseIDs: bases.ids,
		}},
	}
}

// fingerprint identifies a finding across runs.
func fingerprint(f Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Env, f.RuleID, f.Address, f.PlanFile, f.Message}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// uriBases makes artifact URIs relative, percent-encoded references:
// against %SRCROOT% (the repository: GITHUB_WORKSPACE, else the git
// work tree around the working directory, else the working directory)
// when the file is inside it, else against a base of its own directory.
type uriBases struct {
	root string
	ids  map[string]sarifBase
	dirs map[string]string
}

func newURIBases() *uriBases {
	b := &uriBases{root: sourceRoot(), ids: map[string]sarifBase{}, dirs: map[string]string{}}
	b.ids["%SRCROOT%"] = sarifBase{URI: fileURI(b.root)}
	return b
}

func sourceRoot() string {
	if ws := os.Getenv("GITHUB_WORKSPACE"); ws != "" {
		if abs, err := filepath.Abs(ws); err == nil {
			return abs
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "/"
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// fileURI is the file: URI of a directory, ending in a slash as a base
// URI must.
func fileURI(dir string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

// artifact returns the relative URI of path and its base id.
func (b *uriBases) artifact(path string) sarifArtifact {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if rel, err := filepath.Rel(b.root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return sarifArtifact{URI: escapePath(rel), URIBaseID: "%SRCROOT%"}
	}
	dir := filepath.Dir(abs)
	id, ok := b.dirs[dir]
	if !ok {
		id = "PLANDIR" + strconv.Itoa(len(b.dirs)+1)
		b.dirs[dir] = id
		b.ids[id] = sarifBase{URI: fileURI(dir)}
	}
	return sarifArtifact{URI: escapePath(filepath.Base(abs)), URIBaseID: id}
}

// escapePath percent-encodes each segment of a relative path.
func escapePath(rel string) string {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// physicalLocation is the resource block when it was found, else the
// plan file.
func (b *uriBases) physicalLocation(f Finding) sarifPhysical {
	if f.File != "" {
		return sarifPhysical{ArtifactLocation: b.artifact(f.File), Region: sarifRegion{StartLine: f.Line}}
	}
	return sarifPhysical{ArtifactLocation: b.artifact(f.PlanFile), Region: sarifRegion{StartLine: 1}}
}

// sarifRuleName makes a PascalCase name, the convention SARIF viewers show.
func sarifRuleName(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
