package tabledata

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Column is one column of a Unity Catalog table, as the tables API
// (catalog.ColumnInfo) describes it: TypeText is the SQL type ("bigint",
// "map<string,string>"), TypeName its base type ("LONG", "MAP").
type Column struct {
	Name     string `json:"name"`
	TypeText string `json:"type_text"`
	TypeName string `json:"type_name"`
	Nullable bool   `json:"nullable"`
	Comment  string `json:"comment,omitempty"`
	Position int    `json:"position"`
}

// baseTypes maps every SQL type spelling the engine accepts to its
// ColumnInfoTypeName (databricks-sdk-go service/sql and service/catalog) and
// the canonical type_text Unity Catalog reports.
var baseTypes = map[string]struct{ name, text string }{
	"string": {"STRING", "string"}, "varchar": {"STRING", "string"}, "char": {"CHAR", "char"},
	"bigint": {"LONG", "bigint"}, "long": {"LONG", "bigint"},
	"int": {"INT", "int"}, "integer": {"INT", "int"},
	"smallint": {"SHORT", "smallint"}, "short": {"SHORT", "smallint"},
	"tinyint": {"BYTE", "tinyint"}, "byte": {"BYTE", "tinyint"},
	"double": {"DOUBLE", "double"}, "float": {"FLOAT", "float"}, "real": {"FLOAT", "float"},
	"decimal": {"DECIMAL", "decimal"}, "dec": {"DECIMAL", "decimal"}, "numeric": {"DECIMAL", "decimal"},
	"boolean": {"BOOLEAN", "boolean"}, "bool": {"BOOLEAN", "boolean"},
	"timestamp": {"TIMESTAMP", "timestamp"}, "timestamp_ntz": {"TIMESTAMP", "timestamp_ntz"},
	"date":   {"DATE", "date"},
	"binary": {"BINARY", "binary"},
	"map":    {"MAP", "map"}, "struct": {"STRUCT", "struct"}, "array": {"ARRAY", "array"},
}

// typeNameText gives the canonical type_text of a bare type_name (for
// columns declared by type_name only).
var typeNameText = map[string]string{
	"STRING": "string", "CHAR": "char", "LONG": "bigint", "INT": "int", "SHORT": "smallint", "BYTE": "tinyint",
	"DOUBLE": "double", "FLOAT": "float", "DECIMAL": "decimal(10,0)", "BOOLEAN": "boolean",
	"TIMESTAMP": "timestamp", "DATE": "date", "BINARY": "binary",
	"MAP": "map<string,string>", "STRUCT": "struct<>", "ARRAY": "array<string>",
}

// normalizeColumn fills TypeName from TypeText (or TypeText from TypeName)
// and checks that the engine can hold the type.
func normalizeColumn(c Column) (Column, error) {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return c, fmt.Errorf("column at position %d has no name", c.Position)
	}
	text := strings.ToLower(strings.TrimSpace(c.TypeText))
	if text == "" {
		t, ok := typeNameText[strings.ToUpper(c.TypeName)]
		if !ok {
			return c, fmt.Errorf("column %q: type %q is not supported (supported: STRING, LONG, INT, SHORT, BYTE, DOUBLE, FLOAT, DECIMAL, BOOLEAN, TIMESTAMP, DATE, BINARY, MAP, STRUCT, ARRAY)", c.Name, c.TypeName)
		}
		text = t
	}
	base := text
	if i := strings.IndexAny(base, "<("); i >= 0 {
		base = strings.TrimSpace(base[:i])
	}
	bt, ok := baseTypes[base]
	if !ok {
		return c, fmt.Errorf("column %q: type %q is not supported (supported: string, bigint, int, smallint, tinyint, double, float, decimal, boolean, timestamp, date, binary, map, struct, array)", c.Name, c.TypeText)
	}
	if len(base) == len(text) {
		text = bt.text
		if bt.name == "DECIMAL" {
			text = "decimal(10,0)"
		}
	}
	c.TypeText, c.TypeName = text, bt.name
	return c, nil
}

// affinity is the SQLite storage class a UC type is kept in.
func affinity(typeName string) string {
	switch typeName {
	case "LONG", "INT", "SHORT", "BYTE", "BOOLEAN":
		return "INT"
	case "DOUBLE", "FLOAT", "DECIMAL":
		return "REAL"
	case "BINARY":
		return "BLOB"
	}
	return "TEXT" // strings, timestamps and dates as ISO text, complex types as JSON
}

// declType is the SQLite column type that carries a UC type through
// queries: "UC_<affinity>_<hex of type_text>". SQLite derives the column's
// affinity from the word (hex digits never spell INT, CHAR, CLOB, TEXT,
// BLOB, REAL, FLOA or DOUB), and a result column's declared type tells the
// engine the UC type back (rows.ColumnTypes), so a query reports type_text
// as the table declares it. It also keeps the SQLite driver from turning
// date-typed text into time.Time.
func declType(c Column) string {
	return "UC_" + affinity(c.TypeName) + "_" + hex.EncodeToString([]byte(c.TypeText))
}

// columnFromDecl recovers a column's UC type from its SQLite declared type.
func columnFromDecl(decl string) (Column, bool) {
	if !strings.HasPrefix(strings.ToUpper(decl), "UC_") {
		return Column{}, false
	}
	i := strings.LastIndexByte(decl, '_')
	raw, err := hex.DecodeString(strings.ToLower(decl[i+1:]))
	if err != nil {
		return Column{}, false
	}
	c, err := normalizeColumn(Column{Name: "x", TypeText: string(raw)})
	return c, err == nil
}

// manifestTypeText renders a type the way the statement API's manifest
// does: keywords upper case, struct field names as declared, a space
// after commas ("MAP<STRING, BIGINT>", "DECIMAL(10,2)").
func manifestTypeText(typeText string) string {
	var b strings.Builder
	words := typeWord.FindAllStringIndex(typeText, -1)
	last := 0
	for _, w := range words {
		b.WriteString(spaceAfterComma(typeText[last:w[0]]))
		word := typeText[w[0]:w[1]]
		rest := strings.TrimLeft(typeText[w[1]:], " ")
		if strings.HasPrefix(rest, ":") { // a struct field name
			b.WriteString(word + ": ")
			last = w[1] + (len(typeText[w[1]:]) - len(rest)) + 1
			continue
		} else {
			b.WriteString(strings.ToUpper(word))
		}
		last = w[1]
	}
	b.WriteString(spaceAfterComma(typeText[last:]))
	return b.String()
}

var typeWord = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

func spaceAfterComma(s string) string {
	if strings.Contains(s, "(") || strings.Contains(s, ")") {
		return s // decimal(10,2) keeps its compact form
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, ", ", ","), ",", ", ")
}

// TimestampFormat is how TIMESTAMP values are stored and returned: ISO 8601
// in UTC with milliseconds, so text order is time order.
const TimestampFormat = "2006-01-02T15:04:05.000Z"

// DateFormat is how DATE values are stored and returned.
const DateFormat = "2006-01-02"

// toStorage converts a Go value for a column into what SQLite stores.
func toStorage(c Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		if string(raw) == "null" {
			return nil, nil
		}
		if c.TypeName != "MAP" && c.TypeName != "STRUCT" && c.TypeName != "ARRAY" {
			var x any
			if err := json.Unmarshal(raw, &x); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
			return toStorage(c, x)
		}
		return string(raw), nil
	}
	switch c.TypeName {
	case "STRING", "CHAR":
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case fmt.Stringer:
			return x.String(), nil
		case map[string]any, []any:
			b, err := json.Marshal(x)
			return string(b), err
		}
		return fmt.Sprint(v), nil
	case "LONG", "INT", "SHORT", "BYTE":
		return toInt(c, v)
	case "DOUBLE", "FLOAT", "DECIMAL":
		return toFloat(c, v)
	case "BOOLEAN":
		switch x := v.(type) {
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			b, err := strconv.ParseBool(x)
			if err != nil {
				return nil, fmt.Errorf("column %s (boolean): %q is not a boolean", c.Name, x)
			}
			return toStorage(c, b)
		}
	case "TIMESTAMP":
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(TimestampFormat), nil
		case string:
			t, err := ParseTimestamp(x)
			if err != nil {
				return nil, fmt.Errorf("column %s (timestamp): %w", c.Name, err)
			}
			return t.UTC().Format(TimestampFormat), nil
		}
	case "DATE":
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(DateFormat), nil
		case string:
			t, err := ParseTimestamp(x)
			if err != nil {
				return nil, fmt.Errorf("column %s (date): %w", c.Name, err)
			}
			return t.Format(DateFormat), nil
		}
	case "BINARY":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "MAP", "STRUCT", "ARRAY":
		switch x := v.(type) {
		case string:
			if !json.Valid([]byte(x)) {
				return nil, fmt.Errorf("column %s (%s): value is not JSON", c.Name, c.TypeText)
			}
			return x, nil
		case []byte:
			return toStorage(c, string(x))
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("column %s (%s): %w", c.Name, c.TypeText, err)
		}
		return string(b), nil
	}
	return nil, fmt.Errorf("column %s (%s): cannot store a %T", c.Name, c.TypeText, v)
}

func toInt(c Column, v any) (any, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("column %s (%s): %d overflows", c.Name, c.TypeText, x)
		}
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) {
			return nil, fmt.Errorf("column %s (%s): %v is not a whole number", c.Name, c.TypeText, x)
		}
		return int64(x), nil
	case json.Number:
		return toInt(c, string(x))
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("column %s (%s): %q is not a whole number", c.Name, c.TypeText, x)
		}
		return n, nil
	case time.Duration:
		return int64(x / time.Millisecond), nil
	}
	return nil, fmt.Errorf("column %s (%s): cannot store a %T", c.Name, c.TypeText, v)
}

func toFloat(c Column, v any) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case json.Number:
		return toFloat(c, string(x))
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil, fmt.Errorf("column %s (%s): %q is not a number", c.Name, c.TypeText, x)
		}
		return f, nil
	}
	n, err := toInt(c, v)
	if err != nil {
		return nil, err
	}
	return float64(n.(int64)), nil
}

// ParseTimestamp reads the timestamp spellings Spark accepts in a cast:
// ISO 8601 with a T or a space, with or without fraction and zone, or a date.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02 15:04", DateFormat} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp (want e.g. 2026-01-02T15:04:05Z)", s)
}

var timestampLiteral = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`)

// canonicalTimestamp rewrites a string literal that spells a timestamp into
// TimestampFormat, so comparing it with a stored timestamp compares times.
func canonicalTimestamp(s string) string {
	if !timestampLiteral.MatchString(s) {
		return s
	}
	t, err := ParseTimestamp(s)
	if err != nil {
		return s
	}
	return t.Format(TimestampFormat)
}

// render formats a stored value as the JSON_ARRAY result format does:
// every value a string, numbers in Spark's spelling, booleans as
// true/false. typeName is the result column's UC type ("" when SQLite
// computed the value and no column declared it).
func render(typeName string, v any) *string {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		switch typeName {
		case "BOOLEAN":
			s = strconv.FormatBool(x != 0)
		case "DOUBLE", "FLOAT", "DECIMAL":
			s = formatDouble(float64(x))
		default:
			s = strconv.FormatInt(x, 10)
		}
	case float64:
		switch typeName {
		case "LONG", "INT", "SHORT", "BYTE":
			if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
				s = strconv.FormatInt(int64(x), 10)
			} else {
				s = formatDouble(x)
			}
		default:
			s = formatDouble(x)
		}
	case []byte:
		if typeName == "BINARY" {
			s = hex.EncodeToString(x)
		} else {
			s = string(x)
		}
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
	case time.Time:
		s = x.UTC().Format(TimestampFormat)
	default:
		s = fmt.Sprint(x)
	}
	return &s
}

// formatDouble spells a double as Spark does: "1.0", "0.25", "1.0E-5",
// "NaN", "Infinity".
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-3 || abs >= 1e7) {
		s := strconv.FormatFloat(f, 'E', -1, 64)
		mant, exp, _ := strings.Cut(s, "E")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		return mant + "E" + strings.TrimPrefix(exp, "+")
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// valueType guesses the UC type of a computed value (an aggregate, an
// expression): SQLite's integers are BIGINT, its reals DOUBLE.
func valueType(v any) string {
	switch v.(type) {
	case int64:
		return "LONG"
	case float64:
		return "DOUBLE"
	case []byte:
		return "BINARY"
	}
	return "STRING"
}
