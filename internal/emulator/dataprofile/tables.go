package dataprofile

import (
	"reflect"
	"strings"
	"time"
)

// The rows of the two metric tables a monitor writes,
// {output_schema}.{table}_profile_metrics and {table}_drift_metrics. Column
// names and types follow Databricks' "Monitor metric tables" reference;
// each field's `spark` tag is its column type, from which Schema builds the
// table's columns, so the Go row and the table cannot disagree.

// Window is the time window a row aggregates (the window and window_cmp
// struct columns).
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// timestampFormat is how the SQL engine stores timestamps (UTC, ms), so
// a window's bounds compare with timestamp text.
const timestampFormat = "2006-01-02T15:04:05.000Z"

// MarshalJSON writes the bounds as the SQL engine's timestamps.
func (w Window) MarshalJSON() ([]byte, error) {
	return []byte(`{"start":"` + w.Start.UTC().Format(timestampFormat) + `","end":"` + w.End.UTC().Format(timestampFormat) + `"}`), nil
}

// Values of log_type and drift_type.
const (
	LogInput         = "INPUT"
	LogBaseline      = "BASELINE"
	DriftConsecutive = "CONSECUTIVE"
	DriftBaseline    = "BASELINE"
	TableColumn      = ":table" // column_name of the table-level rows
)

// ProfileRow is one row of the profile metrics table: the summary of one
// column (or of the table, column_name ":table") in one window, granularity,
// model id and slice. Metrics that do not apply to the column's type are null.
type ProfileRow struct {
	Window         Window  `json:"window" spark:"struct<start:timestamp,end:timestamp>"`
	LogType        string  `json:"log_type" spark:"string"`
	MonitorVersion int64   `json:"monitor_version" spark:"bigint"`
	Granularity    *string `json:"granularity" spark:"string"`
	ModelID        *string `json:"model_id" spark:"string"`
	SliceKey       *string `json:"slice_key" spark:"string"`
	SliceValue     *string `json:"slice_value" spark:"string"`
	ColumnName     string  `json:"column_name" spark:"string"`
	DataType       string  `json:"data_type" spark:"string"`

	Count           int64          `json:"count" spark:"bigint"`
	NumNulls        int64          `json:"num_nulls" spark:"bigint"`
	PercentNull     *float64       `json:"percent_null" spark:"double"`
	Avg             *float64       `json:"avg" spark:"double"`
	Stddev          *float64       `json:"stddev" spark:"double"`
	Min             *float64       `json:"min" spark:"double"`
	Max             *float64       `json:"max" spark:"double"`
	Median          *float64       `json:"median" spark:"double"`
	Quantiles       []float64      `json:"quantiles" spark:"array<double>"`
	NumZeros        *int64         `json:"num_zeros" spark:"bigint"`
	PercentZeros    *float64       `json:"percent_zeros" spark:"double"`
	NumNaN          *int64         `json:"num_nan" spark:"bigint"`
	PercentNaN      *float64       `json:"percent_nan" spark:"double"`
	DistinctCount   *int64         `json:"distinct_count" spark:"bigint"`
	PercentDistinct *float64       `json:"percent_distinct" spark:"double"`
	FrequentItems   []FrequentItem `json:"frequent_items" spark:"array<struct<item:string,count:bigint>>"`
	MinLength       *int64         `json:"min_length" spark:"bigint"`
	MaxLength       *int64         `json:"max_length" spark:"bigint"`
	AvgLength       *float64       `json:"avg_length" spark:"double"`

	// Model quality, on the ":table" rows of an InferenceLog monitor with
	// a label column, from the rows that have a label.
	AccuracyScore               *float64         `json:"accuracy_score" spark:"double"`
	Precision                   *ClassMetric     `json:"precision" spark:"struct<one_vs_all:map<string,double>,macro:double,weighted:double>"`
	Recall                      *ClassMetric     `json:"recall" spark:"struct<one_vs_all:map<string,double>,macro:double,weighted:double>"`
	F1Score                     *ClassMetric     `json:"f1_score" spark:"struct<one_vs_all:map<string,double>,macro:double,weighted:double>"`
	ConfusionMatrix             *ConfusionMatrix `json:"confusion_matrix" spark:"struct<labels:array<string>,counts:array<array<bigint>>>"`
	MeanSquaredError            *float64         `json:"mean_squared_error" spark:"double"`
	RootMeanSquaredError        *float64         `json:"root_mean_squared_error" spark:"double"`
	MeanAverageError            *float64         `json:"mean_average_error" spark:"double"`
	MeanAbsolutePercentageError *float64         `json:"mean_absolute_percentage_error" spark:"double"`
	R2Score                     *float64         `json:"r2_score" spark:"double"`
}

// DriftRow is one row of the drift metrics table: how one column changed
// between a window and the window before it (CONSECUTIVE) or the baseline
// table (BASELINE). Numeric columns get the KS test, Wasserstein distance
// and PSI; categorical ones the Jensen–Shannon, total variation and
// L-infinity distances and the chi-squared test, as in production.
type DriftRow struct {
	Window         Window  `json:"window" spark:"struct<start:timestamp,end:timestamp>"`
	WindowCmp      Window  `json:"window_cmp" spark:"struct<start:timestamp,end:timestamp>"`
	DriftType      string  `json:"drift_type" spark:"string"`
	MonitorVersion int64   `json:"monitor_version" spark:"bigint"`
	Granularity    *string `json:"granularity" spark:"string"`
	ModelID        *string `json:"model_id" spark:"string"`
	SliceKey       *string `json:"slice_key" spark:"string"`
	SliceValue     *string `json:"slice_value" spark:"string"`
	ColumnName     string  `json:"column_name" spark:"string"`
	DataType       string  `json:"data_type" spark:"string"`

	CountDelta           float64  `json:"count_delta" spark:"double"`
	AvgDelta             *float64 `json:"avg_delta" spark:"double"`
	PercentNullDelta     *float64 `json:"percent_null_delta" spark:"double"`
	PercentZerosDelta    *float64 `json:"percent_zeros_delta" spark:"double"`
	PercentDistinctDelta *float64 `json:"percent_distinct_delta" spark:"double"`

	KSTest                   *TestResult `json:"ks_test" spark:"struct<statistic:double,pvalue:double>"`
	WassersteinDistance      *float64    `json:"wasserstein_distance" spark:"double"`
	PopulationStabilityIndex *float64    `json:"population_stability_index" spark:"double"`
	JSDistance               *float64    `json:"js_distance" spark:"double"`
	TVDistance               *float64    `json:"tv_distance" spark:"double"`
	LInfinityDistance        *float64    `json:"l_infinity_distance" spark:"double"`
	ChiSquaredTest           *TestResult `json:"chi_squared_test" spark:"struct<statistic:double,pvalue:double>"`
}

// SchemaColumn describes one column of a metric table.
type SchemaColumn struct {
	Name string
	// Type is the Spark type text ("double", "struct<…>", …).
	Type string
}

// TypeName is the column's Unity Catalog type_name (DOUBLE, LONG, STRUCT, …).
func (c SchemaColumn) TypeName() string {
	switch t := c.Type; {
	case strings.HasPrefix(t, "struct<"):
		return "STRUCT"
	case strings.HasPrefix(t, "array<"):
		return "ARRAY"
	case strings.HasPrefix(t, "map<"):
		return "MAP"
	case t == "bigint":
		return "LONG"
	default:
		return strings.ToUpper(t)
	}
}

// ProfileSchema is the profile metrics table's columns, in order.
func ProfileSchema() []SchemaColumn { return schemaOf(reflect.TypeFor[ProfileRow]()) }

// DriftSchema is the drift metrics table's columns, in order.
func DriftSchema() []SchemaColumn { return schemaOf(reflect.TypeFor[DriftRow]()) }

func schemaOf(t reflect.Type) []SchemaColumn {
	out := make([]SchemaColumn, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, SchemaColumn{Name: name, Type: f.Tag.Get("spark")})
	}
	return out
}

// Values are the row's column values in schema order: nil for null,
// dereferenced scalars, and the Go value of struct, array and map columns.
func (r ProfileRow) Values() []any { return valuesOf(reflect.ValueOf(r)) }

// Values are the row's column values in schema order (see ProfileRow.Values).
func (r DriftRow) Values() []any { return valuesOf(reflect.ValueOf(r)) }

func valuesOf(v reflect.Value) []any {
	out := make([]any, v.NumField())
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Pointer && f.IsNil(), f.Kind() == reflect.Slice && f.IsNil():
			out[i] = nil
		case f.Kind() == reflect.Pointer:
			out[i] = f.Elem().Interface()
		default:
			out[i] = f.Interface()
		}
	}
	return out
}
