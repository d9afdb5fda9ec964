// Package markdown writes the GitHub-flavoured markdown pieces that plan
// summaries and policy reports share: tables, code spans and alerts.
package markdown

import (
	"fmt"
	"io"
	"strings"
)

// Cell escapes s for a table cell: pipes would end the cell and newlines
// the row.
func Cell(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// Code wraps s in a code span, with a longer fence when s holds backticks.
func Code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// Table writes a table; align holds one of "l" or "r" per column.
func Table(w io.Writer, align string, header []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n|", strings.Join(header, " | "))
	for i := range header {
		if i < len(align) && align[i] == 'r' {
			fmt.Fprint(w, "---:|")
		} else {
			fmt.Fprint(w, "---|")
		}
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}

// Alert writes a GitHub alert block (NOTE, TIP, IMPORTANT, WARNING,
// CAUTION): the loud box reviewers cannot scroll past.
func Alert(w io.Writer, kind string, lines ...string) {
	fmt.Fprintf(w, "> [!%s]\n", kind)
	for _, l := range lines {
		fmt.Fprintf(w, "> %s\n", l)
	}
	fmt.Fprintln(w)
}
