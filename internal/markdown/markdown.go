// Package markdown writes the GitHub-flavoured markdown pieces that plan
// summaries and policy reports share: tables, code spans and alerts.
package markdown

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// htmlEscaper neutralises HTML: text from plans and policies (resource
// names, Rego messages) is data, never markup in a comment.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Text escapes s for running text: HTML is shown, not rendered.
func Text(s string) string { return htmlEscaper.Replace(s) }

// Cell escapes s for a table cell: HTML is shown, not rendered; pipes
// would end the cell and newlines the row.
func Cell(s string) string {
	s = htmlEscaper.Replace(s)
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// CodeCell is a code span inside a table cell: GitHub splits the row at a
// pipe even inside backticks unless it is escaped, and shows \| there as |.
// Newlines become spaces (a code span cannot hold a line break).
func CodeCell(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", " "), "\n", " ")
	return strings.ReplaceAll(Code(s), "|", `\|`)
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

// Truncate cuts body to at most limit characters, at a line boundary when
// one is near, closes a code fence or <details> block the cut left open,
// and appends a warning built by note from the full length.
func Truncate(body string, limit int, note func(total int) string) (string, bool) {
	total := utf8.RuneCountInString(body)
	if total <= limit {
		return body, false
	}
	tail := "\n\n---\n> [!WARNING]\n> " + note(total) + "\n"
	// Room for the note and for closing a fence and a details block.
	closers := "\n```\n</details>\n"
	budget := limit - utf8.RuneCountInString(tail) - utf8.RuneCountInString(closers)
	cut := prefixRunes(body, budget)
	if i := strings.LastIndexByte(cut, '\n'); i > 0 && len(cut)-i < 4096 {
		cut = cut[:i]
	}
	if strings.Count(cut, "```")%2 == 1 {
		cut += "\n```"
	}
	if strings.Count(cut, "<details") > strings.Count(cut, "</details>") {
		cut += "\n</details>"
	}
	return cut + tail, true
}

// prefixRunes returns the first n characters of s.
func prefixRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
