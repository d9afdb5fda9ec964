package tabledata

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Error is a statement failure in the form Databricks SQL reports it: an
// error class in brackets, the message, and the SQLSTATE, e.g.
//
//	[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`default`.`t` cannot be found. ... SQLSTATE: 42P01; line 1 pos 14
//
// The SQL Statement Execution API puts Error() into status.error.message.
type Error struct {
	Class    string // e.g. TABLE_OR_VIEW_NOT_FOUND, PARSE_SYNTAX_ERROR
	SQLState string // e.g. 42P01
	Message  string
	// Position is appended after the SQLSTATE as is, e.g. " (line 1, pos 7)"
	// or "; line 1 pos 14" (Databricks spells it both ways).
	Position string
}

func (e *Error) Error() string {
	return "[" + e.Class + "] " + e.Message + " SQLSTATE: " + e.SQLState + e.Position
}

// ErrorClass returns the Databricks error class of err ("" when err is not
// a statement error).
func ErrorClass(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ""
}

func tableNotFound(sql string, offset int, parts []string) *Error {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = "`" + p + "`"
	}
	return &Error{
		Class:    "TABLE_OR_VIEW_NOT_FOUND",
		SQLState: "42P01",
		Message: "The table or view " + strings.Join(quoted, ".") + " cannot be found. Verify the spelling and correctness of the schema and catalog.\n" +
			"If you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\n" +
			"To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.",
		Position: "; " + strings.Replace(position(sql, offset), ",", "", 1),
	}
}

var (
	sqliteCode     = regexp.MustCompile(`\s*\(\d+\)$`)
	sqliteNear     = regexp.MustCompile(`near "((?:[^"]|"")*)": syntax error`)
	sqliteColumn   = regexp.MustCompile(`no such column: (.+)$`)
	sqliteFunction = regexp.MustCompile(`no such function: (.+)$`)
	sqliteArgs     = regexp.MustCompile(`wrong number of arguments to function (\w+)\(\)`)
)

// translate turns an SQLite error into the Databricks error a workspace
// would report for the same mistake; what has no Databricks counterpart says
// plainly that the emulator's engine could not run it.
func translate(sql string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := sqliteCode.ReplaceAllString(err.Error(), "")
	if m := sqliteNear.FindStringSubmatch(msg); m != nil {
		near := strings.ReplaceAll(m[1], `""`, `"`)
		return &Error{Class: "PARSE_SYNTAX_ERROR", SQLState: "42601", Message: fmt.Sprintf("Syntax error at or near '%s'.", near)}
	}
	if strings.Contains(msg, "incomplete input") {
		return &Error{Class: "PARSE_SYNTAX_ERROR", SQLState: "42601", Message: "Syntax error at or near end of input."}
	}
	if m := sqliteColumn.FindStringSubmatch(msg); m != nil {
		return &Error{Class: "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", SQLState: "42703",
			Message: fmt.Sprintf("A column, variable, or function parameter with name `%s` cannot be resolved.", strings.TrimSpace(m[1]))}
	}
	if m := sqliteFunction.FindStringSubmatch(msg); m != nil {
		return unresolvedRoutine(strings.TrimSpace(m[1]))
	}
	if m := sqliteArgs.FindStringSubmatch(msg); m != nil {
		return &Error{Class: "WRONG_NUM_ARGS", SQLState: "42605", Message: fmt.Sprintf("The `%s` requires a different number of parameters.", m[1])}
	}
	return &Error{Class: "UNSUPPORTED_FEATURE", SQLState: "0A000",
		Message: "The emulator's SQL engine (SQLite) cannot run this statement: " + strings.TrimPrefix(msg, "SQL logic error: ") + "."}
}

func unresolvedRoutine(name string) *Error {
	return &Error{Class: "UNRESOLVED_ROUTINE", SQLState: "42883",
		Message: fmt.Sprintf("Cannot resolve routine `%s` on search path [`system`.`builtin`, `system`.`session`].", name)}
}
