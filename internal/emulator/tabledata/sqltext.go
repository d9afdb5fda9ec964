package tabledata

import (
	"fmt"
	"strings"
)

// The statements users send are Databricks SQL (Spark dialect); SQLite runs
// them. This file lexes a statement just enough to bridge the two: resolve
// Unity Catalog table names (one, two or three parts) to the SQLite tables
// holding their rows, turn Spark literals into SQLite literals, map the few
// Spark function names SQLite spells differently, and refuse what would reach
// past the catalog (SQLite's own schema tables, table-valued functions).

type tokenKind int

const (
	tokWord   tokenKind = iota // bare identifier or keyword
	tokQuoted                  // `backtick identifier`
	tokString                  // 'string' or "string" (Spark reads both as literals)
	tokNumber
	tokParam // :name
	tokPunct // operators and punctuation, one token per symbol run
	tokSpace // whitespace and comments
)

type token struct {
	kind tokenKind
	text string // source text
	// value is the identifier's name (unquoted) or the string literal's value.
	value string
	pos   int // byte offset in the statement
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// lex splits a statement into tokens. Errors carry Spark's error classes.
func lex(sql string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(sql) {
		c := sql[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			for i < len(sql) && strings.IndexByte(" \t\n\r\f", sql[i]) >= 0 {
				i++
			}
			toks = append(toks, token{kind: tokSpace, text: sql[start:i], pos: start})
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
			toks = append(toks, token{kind: tokSpace, text: " ", pos: start})
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return nil, syntaxError(sql, start, "/*")
			}
			i += 2 + end + 2
			toks = append(toks, token{kind: tokSpace, text: " ", pos: start})
		case c == '\'' || c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(sql) {
				d := sql[i]
				if d == '\\' && i+1 < len(sql) {
					b.WriteByte(unescape(sql[i+1]))
					i += 2
					continue
				}
				if d == c {
					if i+1 < len(sql) && sql[i+1] == c { // SQL-standard doubled quote
						b.WriteByte(c)
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(d)
				i++
			}
			if !closed {
				return nil, &Error{Class: "UNCLOSED_STRING_LITERAL", SQLState: "42601", Message: fmt.Sprintf("The string literal starting at %s is not closed.", position(sql, start))}
			}
			toks = append(toks, token{kind: tokString, text: sql[start:i], value: b.String(), pos: start})
		case c == '`':
			var b strings.Builder
			i++
			closed := false
			for i < len(sql) {
				if sql[i] == '`' {
					if i+1 < len(sql) && sql[i+1] == '`' {
						b.WriteByte('`')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(sql[i])
				i++
			}
			if !closed {
				return nil, syntaxError(sql, start, "`")
			}
			toks = append(toks, token{kind: tokQuoted, text: sql[start:i], value: b.String(), pos: start})
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(sql) && sql[i+1] >= '0' && sql[i+1] <= '9':
			for i < len(sql) && (isIdentChar(sql[i]) || sql[i] == '.' ||
				(sql[i] == '+' || sql[i] == '-') && (sql[i-1] == 'e' || sql[i-1] == 'E')) {
				i++
			}
			toks = append(toks, token{kind: tokNumber, text: sql[start:i], pos: start})
		case isIdentStart(c):
			for i < len(sql) && isIdentChar(sql[i]) {
				i++
			}
			toks = append(toks, token{kind: tokWord, text: sql[start:i], value: sql[start:i], pos: start})
		case c == ':' && i+1 < len(sql) && isIdentStart(sql[i+1]):
			i++
			for i < len(sql) && isIdentChar(sql[i]) {
				i++
			}
			toks = append(toks, token{kind: tokParam, text: sql[start:i], value: sql[start+1 : i], pos: start})
		case c == '?':
			return nil, &Error{Class: "UNBOUND_SQL_PARAMETER", SQLState: "42P02", Message: fmt.Sprintf("Found the unbound parameter: _%d. Positional parameter markers (?) are not supported by the Statement Execution API; use named markers (:name).", start)}
		default:
			i++
			// Keep two-character operators whole so the parser sees them as one symbol.
			if i < len(sql) && twoCharOperators[sql[start:i+1]] {
				i++
			}
			toks = append(toks, token{kind: tokPunct, text: sql[start:i], pos: start})
		}
	}
	return toks, nil
}

var twoCharOperators = map[string]bool{"<=": true, ">=": true, "!=": true, "<>": true, "||": true, "::": true, "==": true}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '0':
		return 0
	}
	return c
}

// position renders a byte offset the way Spark reports it: "line L, pos P"
// with a 1-based line and a 0-based position in the line.
func position(sql string, offset int) string {
	line := 1 + strings.Count(sql[:offset], "\n")
	col := offset - (strings.LastIndexByte(sql[:offset], '\n') + 1)
	return fmt.Sprintf("line %d, pos %d", line, col)
}

func syntaxError(sql string, offset int, near string) *Error {
	return &Error{Class: "PARSE_SYNTAX_ERROR", SQLState: "42601",
		Message: fmt.Sprintf("Syntax error at or near '%s'.", near), Position: " (" + position(sql, offset) + ")"}
}

// significant drops whitespace and comments.
func significant(toks []token) []token {
	out := make([]token, 0, len(toks))
	for _, t := range toks {
		if t.kind != tokSpace {
			out = append(out, t)
		}
	}
	return out
}

func (t token) is(word string) bool {
	return t.kind == tokWord && strings.EqualFold(t.value, word)
}

func (t token) isIdent() bool { return t.kind == tokWord || t.kind == tokQuoted }

// clauseEnd lists the keywords that end a FROM list at its nesting level.
var clauseEnd = map[string]bool{
	"where": true, "group": true, "order": true, "having": true, "limit": true, "offset": true,
	"union": true, "except": true, "intersect": true, "window": true, "qualify": true,
	"select": true, "sort": true, "cluster": true, "distribute": true, "lateral": true, "pivot": true,
}

// nameRef is a table reference found in a statement: tokens [from, to) of
// the significant token slice, and the unquoted, lowercased name parts.
type nameRef struct {
	from, to int
	parts    []string
}

// readName reads an identifier chain a.b.c starting at sig[i].
func readName(sig []token, i int) (parts []string, next int) {
	for i < len(sig) && sig[i].isIdent() {
		parts = append(parts, strings.ToLower(sig[i].value))
		if i+2 < len(sig) && sig[i+1].kind == tokPunct && sig[i+1].text == "." && sig[i+2].isIdent() {
			i += 2
			continue
		}
		return parts, i + 1
	}
	return parts, i
}

// tableRefs finds the table references of a query: the names after FROM
// and JOIN (and after commas in a FROM list), skipping subqueries, names
// defined by WITH, and table-valued function calls (reported separately).
func tableRefs(sig []token) (refs []nameRef, functions []nameRef) {
	ctes := map[string]bool{}
	for i := 0; i+2 < len(sig); i++ {
		if !sig[i].isIdent() {
			continue
		}
		j := i + 1
		if sig[j].text == "(" { // name(col, …) AS (
			for depth := 0; j < len(sig); j++ {
				if sig[j].text == "(" {
					depth++
				} else if sig[j].text == ")" {
					if depth--; depth == 0 {
						break
					}
				}
			}
			j++
		}
		if j+1 < len(sig) && sig[j].is("as") && sig[j+1].text == "(" {
			ctes[strings.ToLower(sig[i].value)] = true
		}
	}
	type level struct{ inFrom, expect bool }
	stack := []level{{}}
	for i := 0; i < len(sig); i++ {
		t := sig[i]
		top := &stack[len(stack)-1]
		switch {
		case t.kind == tokPunct && t.text == "(":
			top.expect = false
			stack = append(stack, level{})
		case t.kind == tokPunct && t.text == ")":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case t.kind == tokPunct && t.text == ",":
			if top.inFrom {
				top.expect = true
			}
		case t.is("from") || t.is("join"):
			top.inFrom, top.expect = true, true
		case t.kind == tokWord && clauseEnd[strings.ToLower(t.value)]:
			top.inFrom, top.expect = false, false
		case t.isIdent() && top.expect:
			parts, next := readName(sig, i)
			top.expect = false
			ref := nameRef{from: i, to: next, parts: parts}
			switch {
			case next < len(sig) && sig[next].text == "(":
				functions = append(functions, ref)
			case len(parts) == 1 && ctes[parts[0]]:
			default:
				refs = append(refs, ref)
			}
			i = next - 1
		}
	}
	return refs, functions
}

// sqliteString renders s as an SQLite string literal.
func sqliteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqliteIdent renders s as an SQLite quoted identifier.
func sqliteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// functionRenames maps Spark function names to the SQLite function that does
// the same; the rest of Spark's functions the engine knows are registered in
// functions.go under their Spark names.
var functionRenames = map[string]string{
	"if":              "iif",
	"get_json_object": "json_extract",
	"nvl":             "ifnull",
	"size":            "json_array_length",
	"std":             "stddev",
	"len":             "length",
	"char_length":     "length",
}
