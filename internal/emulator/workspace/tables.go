package workspace

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Tables and table constraints: /api/2.1/unity-catalog/tables and
// /api/2.1/unity-catalog/constraints, enough for feature tables (a primary
// key, optionally with timeseries columns) and monitors. Fields follow
// databricks-sdk-go service/catalog/model.go (TableInfo, CreateTableRequest,
// ColumnInfo, TableType, DataSourceFormat, ColumnTypeName, TableConstraint,
// PrimaryKeyConstraint, ForeignKeyConstraint, CreateTableConstraint,
// DeleteTableConstraintRequest).

var (
	// Table types that can be created through the API.
	creatableTableTypes = []string{"MANAGED", "EXTERNAL"}
	dataSourceFormats   = []string{
		"AVRO", "CSV", "DELTA", "DELTASHARING", "DELTA_UNIFORM_HUDI", "DELTA_UNIFORM_ICEBERG", "HIVE",
		"ICEBERG", "JSON", "ORC", "PARQUET", "TEXT", "UNITY_CATALOG",
	}
	columnTypeNames = []string{
		"ARRAY", "BINARY", "BOOLEAN", "BYTE", "CHAR", "DATE", "DECIMAL", "DOUBLE", "FLOAT", "GEOGRAPHY",
		"GEOMETRY", "INT", "INTERVAL", "LONG", "MAP", "NULL", "SHORT", "STRING", "STRUCT", "TABLE_TYPE",
		"TIMESTAMP", "TIMESTAMP_NTZ", "USER_DEFINED_TYPE", "VARIANT",
	}
)

type columnInfo struct {
	Name           string `json:"name"`
	TypeName       string `json:"type_name"`
	TypeText       string `json:"type_text,omitempty"`
	TypeJSON       string `json:"type_json,omitempty"`
	TypePrecision  int    `json:"type_precision,omitempty"`
	TypeScale      int    `json:"type_scale,omitempty"`
	Position       int    `json:"position"`
	Comment        string `json:"comment,omitempty"`
	Nullable       *bool  `json:"nullable,omitempty"`
	PartitionIndex *int   `json:"partition_index,omitempty"`
}

type primaryKeyConstraint struct {
	Name              string   `json:"name"`
	ChildColumns      []string `json:"child_columns"`
	TimeseriesColumns []string `json:"timeseries_columns,omitempty"`
	Rely              bool     `json:"rely,omitempty"`
}

type foreignKeyConstraint struct {
	Name          string   `json:"name"`
	ChildColumns  []string `json:"child_columns"`
	ParentTable   string   `json:"parent_table"`
	ParentColumns []string `json:"parent_columns"`
	Rely          bool     `json:"rely,omitempty"`
}

type namedTableConstraint struct {
	Name string `json:"name"`
}

type tableConstraint struct {
	PrimaryKeyConstraint *primaryKeyConstraint `json:"primary_key_constraint,omitempty"`
	ForeignKeyConstraint *foreignKeyConstraint `json:"foreign_key_constraint,omitempty"`
	NamedTableConstraint *namedTableConstraint `json:"named_table_constraint,omitempty"`
}

func (c tableConstraint) name() string {
	switch {
	case c.PrimaryKeyConstraint != nil:
		return c.PrimaryKeyConstraint.Name
	case c.ForeignKeyConstraint != nil:
		return c.ForeignKeyConstraint.Name
	case c.NamedTableConstraint != nil:
		return c.NamedTableConstraint.Name
	}
	return ""
}

type tableInfo struct {
	Name             string            `json:"name"`
	CatalogName      string            `json:"catalog_name"`
	SchemaName       string            `json:"schema_name"`
	FullName         string            `json:"full_name"`
	TableType        string            `json:"table_type"`
	DataSourceFormat string            `json:"data_source_format"`
	Columns          []columnInfo      `json:"columns,omitempty"`
	StorageLocation  string            `json:"storage_location"`
	Comment          string            `json:"comment,omitempty"`
	Properties       map[string]string `json:"properties,omitempty"`
	Owner            string            `json:"owner"`
	TableID          string            `json:"table_id"`
	MetastoreID      string            `json:"metastore_id"`
	TableConstraints []tableConstraint `json:"table_constraints,omitempty"`
	auditFields
}

func tableFullName(r *http.Request) (string, error) {
	parts, err := splitFullName("table", r.PathValue("full_name"), 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func (s *Service) createTable(r *http.Request) (any, error) {
	var req struct {
		CatalogName      string            `json:"catalog_name"`
		SchemaName       string            `json:"schema_name"`
		Name             string            `json:"name"`
		TableType        string            `json:"table_type"`
		DataSourceFormat string            `json:"data_source_format"`
		Columns          []columnInfo      `json:"columns"`
		StorageLocation  string            `json:"storage_location"`
		Comment          string            `json:"comment"`
		Properties       map[string]string `json:"properties"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"catalog_name": req.CatalogName, "schema_name": req.SchemaName, "table_type": req.TableType, "data_source_format": req.DataSourceFormat} {
		if err := core.RequireString(field, v); err != nil {
			return nil, err
		}
	}
	if err := validateName("table", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("table", req.Comment); err != nil {
		return nil, err
	}
	if !slices.Contains(creatableTableTypes, req.TableType) {
		return nil, core.InvalidParam("Invalid table_type '%s': tables created through this API are %s.", req.TableType, strings.Join(creatableTableTypes, " or "))
	}
	if !slices.Contains(dataSourceFormats, req.DataSourceFormat) {
		return nil, core.InvalidParam("Invalid data_source_format '%s'. Valid values: %s.", req.DataSourceFormat, strings.Join(dataSourceFormats, ", "))
	}
	if req.TableType == "EXTERNAL" && req.StorageLocation == "" {
		return nil, core.InvalidParam("Missing required field: storage_location (required for EXTERNAL tables)")
	}
	full := UCKey(req.CatalogName, req.SchemaName, req.Name)
	columns, err := normaliseColumns(full, req.Columns)
	if err != nil {
		return nil, err
	}
	var t tableInfo
	err = s.Store().Update(func(tx core.Tx) error {
		var sc SchemaInfo
		if err := loadDoc(tx, SchemasBucket, UCKey(req.CatalogName, req.SchemaName), "Schema", &sc); err != nil {
			return err
		}
		if err := mustNotExist(tx, TablesBucket, full, "Table"); err != nil {
			return err
		}
		t = tableInfo{
			Name: strings.ToLower(req.Name), CatalogName: sc.CatalogName, SchemaName: sc.Name, FullName: full,
			TableType: req.TableType, DataSourceFormat: req.DataSourceFormat, Columns: columns,
			StorageLocation: req.StorageLocation, Comment: req.Comment, Properties: req.Properties,
			Owner: s.Options().UserName, TableID: newUUID(), MetastoreID: metastoreID, auditFields: s.stampCreated(),
		}
		if t.StorageLocation == "" {
			t.StorageLocation = sc.StorageLocation + "/tables/" + t.TableID
		}
		return tx.Put(TablesBucket, full, t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// normaliseColumns validates column definitions and fills positions and the
// nullable default (a column is nullable unless it says otherwise).
func normaliseColumns(full string, cols []columnInfo) ([]columnInfo, error) {
	seen := map[string]bool{}
	out := make([]columnInfo, len(cols))
	for i, c := range cols {
		if c.Name == "" {
			return nil, core.InvalidParam("Missing required field: columns[%d].name", i)
		}
		if seen[strings.ToLower(c.Name)] {
			return nil, core.InvalidParam("Found duplicate column(s) in the table definition of `%s`: `%s`.", full, strings.ToLower(c.Name))
		}
		seen[strings.ToLower(c.Name)] = true
		if !slices.Contains(columnTypeNames, c.TypeName) {
			return nil, core.InvalidParam("Invalid type_name '%s' for column '%s'. Valid values: %s.", c.TypeName, c.Name, strings.Join(columnTypeNames, ", "))
		}
		if c.TypeText == "" {
			c.TypeText = strings.ToLower(c.TypeName)
		}
		if c.Nullable == nil {
			yes := true
			c.Nullable = &yes
		}
		c.Position = i
		out[i] = c
	}
	return out, nil
}

func (s *Service) getTable(r *http.Request) (any, error) {
	full, err := tableFullName(r)
	if err != nil {
		return nil, err
	}
	return ucGet[tableInfo](s, TablesBucket, full, "Table")
}

func (s *Service) tableExists(r *http.Request) (any, error) {
	full, err := tableFullName(r)
	if err != nil {
		return nil, err
	}
	var exists bool
	err = s.Store().View(func(tx core.Tx) error {
		var probe map[string]any
		var err error
		exists, err = tx.Get(TablesBucket, full, &probe)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]bool{"table_exists": exists}, nil
}

func (s *Service) listTables(r *http.Request) (any, error) {
	catalog, schema := r.URL.Query().Get("catalog_name"), r.URL.Query().Get("schema_name")
	if err := core.RequireString("catalog_name", catalog); err != nil {
		return nil, err
	}
	if err := core.RequireString("schema_name", schema); err != nil {
		return nil, err
	}
	if _, err := ucGet[SchemaInfo](s, SchemasBucket, UCKey(catalog, schema), "Schema"); err != nil {
		return nil, err
	}
	omitColumns, err := queryBool(r, "omit_columns")
	if err != nil {
		return nil, err
	}
	all, err := UCList[tableInfo](s, TablesBucket, UCKey(catalog, schema)+".")
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 1000, 1000, false)
	if err != nil {
		return nil, err
	}
	if omitColumns {
		for i := range items {
			items[i].Columns = nil
		}
	}
	return map[string]any{"tables": items, "next_page_token": next}, nil
}

func (s *Service) deleteTable(r *http.Request) (any, error) {
	full, err := tableFullName(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var t tableInfo
		if err := loadDoc(tx, TablesBucket, full, "Table", &t); err != nil {
			return err
		}
		if err := tx.Delete(grantsBucket, grantsKey("table", full)); err != nil {
			return err
		}
		return tx.Delete(TablesBucket, full)
	})
	if err != nil {
		return nil, err
	}
	// Its rows go with it (table_data.go).
	engine, err := s.tables()
	if err != nil {
		return nil, err
	}
	if err := engine.DropTable(r.Context(), full); err != nil && !errors.Is(err, tabledata.ErrNotFound) {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) createTableConstraint(r *http.Request) (any, error) {
	var req struct {
		FullNameArg string          `json:"full_name_arg"`
		Constraint  tableConstraint `json:"constraint"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("full_name_arg", req.FullNameArg); err != nil {
		return nil, err
	}
	parts, err := splitFullName("table", req.FullNameArg, 3)
	if err != nil {
		return nil, err
	}
	full := UCKey(parts...)
	c := req.Constraint
	kinds := 0
	for _, set := range []bool{c.PrimaryKeyConstraint != nil, c.ForeignKeyConstraint != nil, c.NamedTableConstraint != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, core.InvalidParam("Exactly one of primary_key_constraint, foreign_key_constraint or named_table_constraint must be set.")
	}
	if err := core.RequireString("constraint.name", c.name()); err != nil {
		return nil, err
	}
	_, err = ucUpdate(s, TablesBucket, full, "Table", func(tx core.Tx, t *tableInfo) error {
		if slices.ContainsFunc(t.TableConstraints, func(x tableConstraint) bool { return strings.EqualFold(x.name(), c.name()) }) {
			return core.AlreadyExists("Constraint '%s' already exists on table '%s'.", c.name(), full)
		}
		switch {
		case c.PrimaryKeyConstraint != nil:
			if err := checkPrimaryKey(t, c.PrimaryKeyConstraint); err != nil {
				return err
			}
		case c.ForeignKeyConstraint != nil:
			if err := checkForeignKey(tx, t, c.ForeignKeyConstraint); err != nil {
				return err
			}
		}
		t.TableConstraints = append(t.TableConstraints, c)
		s.stampUpdated(&t.auditFields)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (t *tableInfo) column(name string) (columnInfo, bool) {
	i := slices.IndexFunc(t.Columns, func(c columnInfo) bool { return strings.EqualFold(c.Name, name) })
	if i < 0 {
		return columnInfo{}, false
	}
	return t.Columns[i], true
}

func (t *tableInfo) primaryKey() *primaryKeyConstraint {
	for _, c := range t.TableConstraints {
		if c.PrimaryKeyConstraint != nil {
			return c.PrimaryKeyConstraint
		}
	}
	return nil
}

// checkPrimaryKey enforces what Databricks does for PRIMARY KEY: one per
// table, existing NOT NULL child columns, TIMESERIES columns among them.
func checkPrimaryKey(t *tableInfo, pk *primaryKeyConstraint) error {
	if existing := t.primaryKey(); existing != nil {
		return core.InvalidParam("Table '%s' already has a primary key constraint '%s'.", t.FullName, existing.Name)
	}
	if len(pk.ChildColumns) == 0 {
		return core.InvalidParam("Missing required field: constraint.primary_key_constraint.child_columns")
	}
	for _, name := range pk.ChildColumns {
		col, ok := t.column(name)
		if !ok {
			return core.InvalidParam("Column '%s' does not exist in table '%s'.", name, t.FullName)
		}
		if col.Nullable == nil || *col.Nullable {
			return core.InvalidParam("Cannot create the primary key `%s` because its child column(s) `%s` is nullable. Please change the column nullability and retry.", pk.Name, col.Name)
		}
	}
	for _, ts := range pk.TimeseriesColumns {
		if !slices.ContainsFunc(pk.ChildColumns, func(c string) bool { return strings.EqualFold(c, ts) }) {
			return core.InvalidParam("Timeseries column '%s' must be one of the primary key's child columns (%s).", ts, strings.Join(pk.ChildColumns, ", "))
		}
	}
	return nil
}

func checkForeignKey(tx core.Tx, t *tableInfo, fk *foreignKeyConstraint) error {
	if len(fk.ChildColumns) == 0 || len(fk.ChildColumns) != len(fk.ParentColumns) {
		return core.InvalidParam("A foreign key needs as many parent_columns as child_columns (got %d and %d).", len(fk.ParentColumns), len(fk.ChildColumns))
	}
	for _, name := range fk.ChildColumns {
		if _, ok := t.column(name); !ok {
			return core.InvalidParam("Column '%s' does not exist in table '%s'.", name, t.FullName)
		}
	}
	parts, err := splitFullName("table", fk.ParentTable, 3)
	if err != nil {
		return err
	}
	var parent tableInfo
	if err := loadDoc(tx, TablesBucket, UCKey(parts...), "Table", &parent); err != nil {
		return err
	}
	pk := parent.primaryKey()
	if pk == nil || !slices.EqualFunc(pk.ChildColumns, fk.ParentColumns, strings.EqualFold) {
		return core.InvalidParam("Foreign key '%s' must reference the primary key columns of '%s'.", fk.Name, parent.FullName)
	}
	return nil
}

func (s *Service) deleteTableConstraint(r *http.Request) (any, error) {
	full, err := tableFullName(r)
	if err != nil {
		return nil, err
	}
	name := r.URL.Query().Get("constraint_name")
	if err := core.RequireString("constraint_name", name); err != nil {
		return nil, err
	}
	cascade, err := queryBool(r, "cascade")
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var t tableInfo
		if err := loadDoc(tx, TablesBucket, full, "Table", &t); err != nil {
			return err
		}
		i := slices.IndexFunc(t.TableConstraints, func(c tableConstraint) bool { return strings.EqualFold(c.name(), name) })
		if i < 0 {
			return core.NotFound("Constraint '%s' does not exist on table '%s'.", name, full)
		}
		if t.TableConstraints[i].PrimaryKeyConstraint != nil {
			if err := dropReferencingKeys(tx, full, name, cascade); err != nil {
				return err
			}
			// The table may itself have been rewritten by the cascade.
			if err := loadDoc(tx, TablesBucket, full, "Table", &t); err != nil {
				return err
			}
			i = slices.IndexFunc(t.TableConstraints, func(c tableConstraint) bool { return strings.EqualFold(c.name(), name) })
		}
		t.TableConstraints = slices.Delete(t.TableConstraints, i, i+1)
		s.stampUpdated(&t.auditFields)
		return tx.Put(TablesBucket, full, t)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// dropReferencingKeys removes the foreign keys that reference parent's
// primary key when cascade is set, and refuses otherwise.
func dropReferencingKeys(tx core.Tx, parent, pkName string, cascade bool) error {
	tables, err := core.GetAll[tableInfo](tx, TablesBucket, "")
	if err != nil {
		return err
	}
	for _, t := range tables {
		kept := slices.DeleteFunc(slices.Clone(t.TableConstraints), func(c tableConstraint) bool {
			return c.ForeignKeyConstraint != nil && strings.EqualFold(c.ForeignKeyConstraint.ParentTable, parent)
		})
		if len(kept) == len(t.TableConstraints) {
			continue
		}
		if !cascade {
			return core.InvalidState("Cannot drop primary key '%s' of '%s': it is referenced by a foreign key of '%s'. Use cascade=true.", pkName, parent, t.FullName)
		}
		t.TableConstraints = kept
		if err := tx.Put(TablesBucket, t.FullName, t); err != nil {
			return err
		}
	}
	return nil
}
