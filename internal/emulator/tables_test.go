package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// notNull is a NOT NULL column: nullable false must be forced through the
// SDK's omitempty.
func notNull(name string, typ catalog.ColumnTypeName) catalog.ColumnInfo {
	return catalog.ColumnInfo{Name: name, TypeName: typ, Nullable: false, ForceSendFields: []string{"Nullable"}}
}

func TestTables_lifecycleThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "features", "unused")

	created, err := w.Tables.Create(ctx, catalog.CreateTableRequest{
		CatalogName: "dev", SchemaName: "features", Name: "Customers", TableType: catalog.TableTypeManaged,
		DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{
			notNull("customer_id", catalog.ColumnTypeNameLong), notNull("ts", catalog.ColumnTypeNameTimestamp),
			{Name: "spend_30d", TypeName: catalog.ColumnTypeNameDouble},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.FullName != "dev.features.customers" || created.TableId == "" || len(created.Columns) != 3 ||
		created.Columns[2].Position != 2 || !created.Columns[2].Nullable || created.Columns[0].Nullable || created.StorageLocation == "" {
		t.Errorf("created = %+v", created)
	}
	ex, err := w.Tables.ExistsByFullName(ctx, "dev.features.customers")
	if err != nil || !ex.TableExists {
		t.Fatalf("exists = %+v, %v", ex, err)
	}
	ex, _ = w.Tables.ExistsByFullName(ctx, "dev.features.nope")
	if ex.TableExists {
		t.Error("a missing table exists")
	}
	list, err := w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: "dev", SchemaName: "features"})
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	_, err = w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: "dev", SchemaName: "features", Name: "CUSTOMERS", TableType: "MANAGED", DataSourceFormat: "DELTA"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Table 'dev.features.customers' already exists")

	// Primary key with a timeseries column, as feature tables use.
	pk, err := w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: "dev.features.customers", Constraint: catalog.TableConstraint{
		PrimaryKeyConstraint: &catalog.PrimaryKeyConstraint{Name: "customers_pk", ChildColumns: []string{"customer_id", "ts"}, TimeseriesColumns: []string{"ts"}},
	}})
	if err != nil || pk.PrimaryKeyConstraint == nil || pk.PrimaryKeyConstraint.TimeseriesColumns[0] != "ts" {
		t.Fatalf("create pk = %+v, %v", pk, err)
	}
	got, _ := w.Tables.GetByFullName(ctx, "dev.features.customers")
	if len(got.TableConstraints) != 1 || got.TableConstraints[0].PrimaryKeyConstraint.Name != "customers_pk" {
		t.Errorf("constraints = %+v", got.TableConstraints)
	}
	_, err = w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: "dev.features.customers", Constraint: catalog.TableConstraint{
		PrimaryKeyConstraint: &catalog.PrimaryKeyConstraint{Name: "second", ChildColumns: []string{"customer_id"}},
	}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "already has a primary key constraint 'customers_pk'")
	if err := w.TableConstraints.Delete(ctx, catalog.DeleteTableConstraintRequest{FullName: "dev.features.customers", ConstraintName: "customers_pk", Cascade: true}); err != nil {
		t.Fatal(err)
	}
	err = w.TableConstraints.Delete(ctx, catalog.DeleteTableConstraintRequest{FullName: "dev.features.customers", ConstraintName: "customers_pk"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Constraint 'customers_pk' does not exist")

	if err := w.Tables.DeleteByFullName(ctx, "dev.features.customers"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tables.GetByFullName(ctx, "dev.features.customers"); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestTables_rejectsBadInput(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "features", "unused")
	base := catalog.CreateTableRequest{CatalogName: "dev", SchemaName: "features", Name: "t", TableType: "MANAGED", DataSourceFormat: "DELTA",
		Columns: []catalog.ColumnInfo{notNull("id", "LONG"), {Name: "v", TypeName: "DOUBLE"}}}
	cases := []struct {
		name   string
		mutate func(r *catalog.CreateTableRequest)
		status int
		code   string
		want   string
	}{
		{"bad type", func(r *catalog.CreateTableRequest) { r.TableType = "VIEW" }, 400, "INVALID_PARAMETER_VALUE", "Invalid table_type 'VIEW'"},
		{"bad format", func(r *catalog.CreateTableRequest) { r.DataSourceFormat = "XLS" }, 400, "INVALID_PARAMETER_VALUE", "Invalid data_source_format 'XLS'"},
		{"external without location", func(r *catalog.CreateTableRequest) { r.TableType = "EXTERNAL" }, 400, "INVALID_PARAMETER_VALUE", "storage_location"},
		{"duplicate column", func(r *catalog.CreateTableRequest) {
			r.Columns = append(r.Columns, catalog.ColumnInfo{Name: "ID", TypeName: "INT"})
		}, 400, "INVALID_PARAMETER_VALUE", "Found duplicate column(s) in the table definition of `dev.features.t`: `id`"},
		{"bad column type", func(r *catalog.CreateTableRequest) { r.Columns[1].TypeName = "BIGNUM" }, 400, "INVALID_PARAMETER_VALUE", "Invalid type_name 'BIGNUM'"},
		{"missing schema", func(r *catalog.CreateTableRequest) { r.SchemaName = "nope" }, 404, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.nope' does not exist."},
		{"bad name", func(r *catalog.CreateTableRequest) { r.Name = "a/b" }, 400, "INVALID_PARAMETER_VALUE", "Invalid table name 'a/b'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := base
			req.Columns = append([]catalog.ColumnInfo(nil), base.Columns...)
			tc.mutate(&req)
			_, err := w.Tables.Create(ctx, req)
			wantAPIError(t, err, tc.status, tc.code, tc.want)
		})
	}
	if _, err := w.Tables.Create(ctx, base); err != nil {
		t.Fatal(err)
	}
	pk := func(c catalog.PrimaryKeyConstraint) error {
		_, err := w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: "dev.features.t", Constraint: catalog.TableConstraint{PrimaryKeyConstraint: &c}})
		return err
	}
	wantAPIError(t, pk(catalog.PrimaryKeyConstraint{Name: "pk", ChildColumns: []string{"v"}}), 400, "INVALID_PARAMETER_VALUE",
		"Cannot create the primary key `pk` because its child column(s) `v` is nullable")
	wantAPIError(t, pk(catalog.PrimaryKeyConstraint{Name: "pk", ChildColumns: []string{"nope"}}), 400, "INVALID_PARAMETER_VALUE", "Column 'nope' does not exist")
	wantAPIError(t, pk(catalog.PrimaryKeyConstraint{Name: "pk", ChildColumns: []string{"id"}, TimeseriesColumns: []string{"v"}}), 400, "INVALID_PARAMETER_VALUE",
		"Timeseries column 'v' must be one of the primary key's child columns")
	_, err := w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: "dev"})
	wantAPIError(t, err, 400, "INVALID_PARAMETER_VALUE", "Missing required field: schema_name")

	// A foreign key onto the primary key blocks dropping it without cascade.
	if err := pk(catalog.PrimaryKeyConstraint{Name: "t_pk", ChildColumns: []string{"id"}}); err != nil {
		t.Fatal(err)
	}
	child := base
	child.Name = "child"
	if _, err := w.Tables.Create(ctx, child); err != nil {
		t.Fatal(err)
	}
	if _, err := w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: "dev.features.child", Constraint: catalog.TableConstraint{
		ForeignKeyConstraint: &catalog.ForeignKeyConstraint{Name: "fk", ChildColumns: []string{"id"}, ParentTable: "dev.features.t", ParentColumns: []string{"id"}},
	}}); err != nil {
		t.Fatal(err)
	}
	err = w.TableConstraints.Delete(ctx, catalog.DeleteTableConstraintRequest{FullName: "dev.features.t", ConstraintName: "t_pk"})
	wantAPIError(t, err, 400, "INVALID_STATE", "referenced by a foreign key of 'dev.features.child'")
	if err := w.TableConstraints.Delete(ctx, catalog.DeleteTableConstraintRequest{FullName: "dev.features.t", ConstraintName: "t_pk", Cascade: true}); err != nil {
		t.Fatal(err)
	}
	c, _ := w.Tables.GetByFullName(ctx, "dev.features.child")
	if len(c.TableConstraints) != 0 {
		t.Errorf("cascade left %+v", c.TableConstraints)
	}
}

func TestTables_listPaginates(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "features", "unused")
	for _, name := range []string{"a", "b", "c"} {
		if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: "dev", SchemaName: "features", Name: name,
			TableType: "MANAGED", DataSourceFormat: "DELTA", Columns: []catalog.ColumnInfo{{Name: "id", TypeName: "LONG"}}}); err != nil {
			t.Fatal(err)
		}
	}
	var first catalog.ListTablesResponse
	emu.Do(t, http.MethodGet, "/api/2.1/unity-catalog/tables?catalog_name=dev&schema_name=features&max_results=2&omit_columns=true", nil, &first)
	if len(first.Tables) != 2 || first.NextPageToken == "" || first.Tables[0].Columns != nil {
		t.Fatalf("first page = %+v", first)
	}
	all, err := w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: "dev", SchemaName: "features", MaxResults: 2})
	if err != nil || len(all) != 3 || all[2].Name != "c" || len(all[2].Columns) != 1 {
		t.Fatalf("all tables = %+v, %v", all, err)
	}
}
