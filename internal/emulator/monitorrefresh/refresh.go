// Package monitorrefresh is what a quality monitor's refresh does in the
// emulator: it reads the monitored table (and the baseline table) from the
// embedded SQL engine, computes profile and drift metrics with dataprofile,
// and rewrites the monitor's two metric tables in the engine, where the SQL
// Statement Execution API and the toolkit read them.
package monitorrefresh

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/dataprofile"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Spec is one refresh.
type Spec struct {
	// Table is the monitored table and Baseline the baseline table ("":
	// none), three-part names.
	Table, Baseline string
	// Analysis holds the monitor's settings; its Columns, SliceKeys and At
	// are those of this refresh.
	Analysis dataprofile.Analysis
	// ProfileTable and DriftTable are the metric tables to write.
	ProfileTable, DriftTable string
}

// Outcome is what a refresh wrote.
type Outcome struct {
	InputRows, BaselineRows int
	ProfileRows, DriftRows  int
	// Drift is the drift metrics table's new rows.
	Drift []dataprofile.DriftRow
}

// sliceColumn names the result column holding slicing expression i.
func sliceColumn(i int) string { return fmt.Sprintf("__brickops_slice_%d", i) }

// Run refreshes: an error is the refresh's failure message.
func Run(ctx context.Context, e *tabledata.Engine, spec Spec) (Outcome, error) {
	var out Outcome
	input, err := read(ctx, e, spec.Table, spec.Analysis.SliceKeys)
	if err != nil {
		return out, err
	}
	var baseline []dataprofile.Row
	if spec.Baseline != "" {
		baseline, err = read(ctx, e, spec.Baseline, spec.Analysis.SliceKeys)
		if err != nil {
			return out, fmt.Errorf("baseline table: %w", err)
		}
		if baseline == nil {
			baseline = []dataprofile.Row{} // empty, but configured
		}
	}
	res, err := spec.Analysis.Compute(input, baseline)
	if err != nil {
		return out, err
	}
	if err := rewrite(ctx, e, spec.ProfileTable, dataprofile.ProfileSchema(), len(res.Profile), func(i int) []any { return res.Profile[i].Values() }); err != nil {
		return out, err
	}
	if err := rewrite(ctx, e, spec.DriftTable, dataprofile.DriftSchema(), len(res.Drift), func(i int) []any { return res.Drift[i].Values() }); err != nil {
		return out, err
	}
	return Outcome{InputRows: len(input), BaselineRows: len(baseline), ProfileRows: len(res.Profile), DriftRows: len(res.Drift), Drift: res.Drift}, nil
}

// read selects every row of table, with the slicing expressions evaluated
// by the engine. A table the engine does not know reads as empty, as a
// Delta table with no rows would (the emulator's engine knows every table
// Unity Catalog has).
func read(ctx context.Context, e *tabledata.Engine, table string, sliceKeys []string) ([]dataprofile.Row, error) {
	sel := []string{"*"}
	for i, expr := range sliceKeys {
		sel = append(sel, fmt.Sprintf("(%s) AS %s", expr, sliceColumn(i)))
	}
	res, err := e.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+table)
	if tabledata.ErrorClass(err) == "TABLE_OR_VIEW_NOT_FOUND" {
		return nil, nil
	}
	if err != nil {
		if len(sliceKeys) > 0 && tabledata.ErrorClass(err) != "" {
			return nil, fmt.Errorf("reading %s with slicing_exprs %q: %w", table, sliceKeys, err)
		}
		return nil, fmt.Errorf("reading %s: %w", table, err)
	}
	slices := make([]int, len(sliceKeys))
	for i := range sliceKeys {
		slices[i] = res.Column(sliceColumn(i))
	}
	rows := make([]dataprofile.Row, 0, len(res.Rows))
	for _, r := range res.Rows {
		row := dataprofile.Row{Values: map[string]any{}, Slices: make([]any, len(sliceKeys))}
		for i, c := range res.Columns {
			if strings.HasPrefix(c.Name, "__brickops_slice_") || r[i] == nil {
				continue
			}
			row.Values[c.Name] = *r[i]
		}
		for i, c := range slices {
			if c >= 0 && r[c] != nil {
				row.Slices[i] = sliceValue(sliceKeys[i], *r[c])
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// rewrite replaces table's rows: every refresh recomputes every window.
func rewrite(ctx context.Context, e *tabledata.Engine, table string, schema []dataprofile.SchemaColumn, n int, values func(int) []any) error {
	cols := make([]tabledata.Column, len(schema))
	for i, c := range schema {
		cols[i] = tabledata.Column{Name: c.Name, TypeText: c.Type, Nullable: true}
	}
	if err := e.DropTable(ctx, table); err != nil && !errors.Is(err, tabledata.ErrNotFound) {
		return fmt.Errorf("replacing %s: %w", table, err)
	}
	if err := e.CreateTable(ctx, table, cols); err != nil {
		return fmt.Errorf("creating %s: %w", table, err)
	}
	rows := make([]tabledata.Row, n)
	for i := range n {
		row := tabledata.Row{}
		for j, v := range values(i) {
			if v != nil {
				row[schema[j].Name] = v
			}
		}
		rows[i] = row
	}
	if err := e.Insert(ctx, table, rows); err != nil {
		return fmt.Errorf("writing %s: %w", table, err)
	}
	return nil
}

var identifier = regexp.MustCompile("^`?[A-Za-z_][A-Za-z0-9_]*`?$")

// sliceValue is a slice's value as the metric tables show it: a column's
// own values, or "true"/"false" for a predicate ("amount > 10"), which the
// engine evaluates to 1 or 0.
func sliceValue(expr, v string) string {
	if identifier.MatchString(strings.TrimSpace(expr)) {
		return v
	}
	switch v {
	case "1":
		return "true"
	case "0":
		return "false"
	}
	return v
}
