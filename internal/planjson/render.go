package planjson

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/markdown"
)

// Formats a summary can be written in.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Write renders s in format.
func (s *Summary) Write(w io.Writer, format string) error {
	switch format {
	case FormatText:
		s.writeText(w)
	case FormatMarkdown:
		s.WriteMarkdown(w)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	default:
		return fmt.Errorf("unknown output format %q (want text, markdown or json)", format)
	}
	return nil
}

var actionIcon = map[Action]string{
	ActionCreate: "➕", ActionUpdate: "✏️", ActionReplace: "♻️", ActionDelete: "🔥",
}

func (c Counts) sentence() string {
	if c.Total() == 0 {
		return "No changes."
	}
	return fmt.Sprintf("%d to add, %d to change, %d to replace, %d to destroy.", c.Add, c.Change, c.Replace, c.Destroy)
}

// WriteMarkdown writes the summary as the pull-request comment shows it.
func (s *Summary) WriteMarkdown(w io.Writer) {
	for i, e := range s.Environments {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := "## Terraform plan: " + markdown.Code(e.Env)
		if e.Prod {
			title += " — 🚨 PRODUCTION"
		}
		fmt.Fprintf(w, "%s\n%s\n\n**%s** <sub>(%s, plan %s)</sub>\n\n", title, e.Fingerprint.Marker(), e.sentence(), markdown.Code(e.PlanFile), markdown.Code(e.Fingerprint.Short()))
		if e.Prod && e.Total() > 0 {
			markdown.Alert(w, "WARNING", fmt.Sprintf("This plan changes **production** (%s): %s", markdown.Code(e.Env), e.sentence()))
		}
		if len(e.Destructive) > 0 {
			lines := []string{fmt.Sprintf("**%d destructive change(s) in %s** — these destroy existing objects:", len(e.Destructive), markdown.Code(e.Env))}
			for _, c := range e.Destructive {
				lines = append(lines, "- "+actionIcon[c.Action]+" **"+string(c.Action)+"** "+markdown.Code(c.Address)+reasonSuffix(c))
			}
			markdown.Alert(w, "CAUTION", lines...)
		}
		if e.Total() == 0 {
			continue
		}
		rows := make([][]string, 0, len(e.ByType))
		for _, t := range e.ByType {
			rows = append(rows, []string{markdown.CodeCell(t.Type), count(t.Add), count(t.Change), count(t.Replace), count(t.Destroy)})
		}
		markdown.Table(w, "lrrrr", []string{"Resource type", "Add", "Change", "Replace", "Destroy"}, rows)
		fmt.Fprintf(w, "\n<details><summary>All %d changes</summary>\n\n", e.Total())
		var detail [][]string
		for _, t := range e.ByType {
			for _, c := range t.Changes {
				detail = append(detail, []string{actionIcon[c.Action] + " " + string(c.Action), markdown.CodeCell(c.Address), markdown.Cell(strings.Join(c.ChangedAttributes, ", "))})
			}
		}
		markdown.Table(w, "lll", []string{"Action", "Address", "Changed attributes"}, detail)
		fmt.Fprintln(w, "\n</details>")
	}
}

func (s *Summary) writeText(w io.Writer) {
	for i, e := range s.Environments {
		if i > 0 {
			fmt.Fprintln(w)
		}
		prod := ""
		if e.Prod {
			prod = "  *** PRODUCTION ***"
		}
		fmt.Fprintf(w, "Environment %s (%s)%s\n  %s\n", e.Env, e.PlanFile, prod, e.sentence())
		if len(e.Destructive) > 0 {
			fmt.Fprintf(w, "\n  !!! %d DESTRUCTIVE CHANGE(S) in %s:\n", len(e.Destructive), e.Env)
			for _, c := range e.Destructive {
				fmt.Fprintf(w, "  !!!   %-7s %s%s\n", c.Action, c.Address, reasonSuffix(c))
			}
		}
		if e.Total() == 0 {
			continue
		}
		width := len("Resource type")
		for _, t := range e.ByType {
			width = max(width, len(t.Type))
		}
		fmt.Fprintf(w, "\n  %-*s  %5s %6s %7s %7s\n", width, "Resource type", "Add", "Change", "Replace", "Destroy")
		for _, t := range e.ByType {
			fmt.Fprintf(w, "  %-*s  %5d %6d %7d %7d\n", width, t.Type, t.Add, t.Change, t.Replace, t.Destroy)
		}
		fmt.Fprintln(w)
		for _, t := range e.ByType {
			for _, c := range t.Changes {
				attrs := ""
				if len(c.ChangedAttributes) > 0 {
					attrs = " [" + strings.Join(c.ChangedAttributes, ", ") + "]"
				}
				fmt.Fprintf(w, "  %-7s %s%s\n", c.Action, c.Address, attrs)
			}
		}
	}
}

func reasonSuffix(c Change) string {
	if c.Reason == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(c.Reason, "_", " ") + ")"
}

func count(n int) string {
	if n == 0 {
		return "·"
	}
	return strconv.Itoa(n)
}
