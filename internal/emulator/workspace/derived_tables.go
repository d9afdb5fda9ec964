package workspace

import (
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Tables the service creates on a user's behalf: a serving endpoint's
// inference (payload) table, a quality monitor's profile and drift metric
// tables, an online table. They are ordinary Unity Catalog table entries, so
// the tables API lists and reads them like any other.

// col is a column of a derived table; nullable unless notNull.
func col(name, typeName string, notNull ...bool) columnInfo {
	nullable := len(notNull) == 0 || !notNull[0]
	return columnInfo{Name: name, TypeName: typeName, TypeText: strings.ToLower(typeName), Nullable: &nullable}
}

// putDerivedTable creates (or replaces) catalog.schema.name as a managed
// Delta table in tx. The schema must exist.
func (s *Service) putDerivedTable(tx core.Tx, catalog, schema, name, comment string, columns []columnInfo, properties map[string]string) (tableInfo, error) {
	var sc SchemaInfo
	if err := loadDoc(tx, SchemasBucket, UCKey(catalog, schema), "Schema", &sc); err != nil {
		return tableInfo{}, err
	}
	full := UCKey(catalog, schema, name)
	for i := range columns {
		columns[i].Position = i
	}
	t := tableInfo{
		Name: strings.ToLower(name), CatalogName: sc.CatalogName, SchemaName: sc.Name, FullName: full,
		TableType: "MANAGED", DataSourceFormat: "DELTA", Columns: columns, Comment: comment, Properties: properties,
		Owner: s.Options().UserName, TableID: newUUID(), MetastoreID: metastoreID, auditFields: s.stampCreated(),
	}
	var existing tableInfo
	found, err := tx.Get(TablesBucket, full, &existing)
	if err != nil {
		return t, err
	}
	if found {
		// Keep the identity of a table that is being refreshed.
		t.TableID, t.auditFields = existing.TableID, existing.auditFields
		s.stampUpdated(&t.auditFields)
	}
	t.StorageLocation = sc.StorageLocation + "/tables/" + t.TableID
	return t, tx.Put(TablesBucket, full, t)
}

// tableExistsTx reports whether the table full (lower-cased key) exists in tx.
func tableExistsTx(tx core.Tx, full string) (bool, error) {
	var probe map[string]any
	return tx.Get(TablesBucket, full, &probe)
}
