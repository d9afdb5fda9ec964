package workspace

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Shared Unity Catalog rules: object names, the three-level namespace and the
// metastore this workspace is assigned to. The families live in catalogs.go,
// schemas.go, tables.go, registered_models.go, model_versions.go and grants.go.

// Buckets, keyed by the lower-cased (full) name: Unity Catalog names are
// case-insensitive and stored in lower case ("Unity Catalog stores all object
// names in lower case", Databricks SQL reference, sql-ref-names).
const (
	CatalogsBucket      = "uc_catalogs"
	SchemasBucket       = "uc_schemas"
	TablesBucket        = "uc_tables"
	ModelsBucket        = "uc_models"
	ModelVersionsBucket = "uc_model_versions"
	grantsBucket        = "uc_grants"
)

// metastoreID is the Unity Catalog metastore the emulated workspace is
// assigned to; every securable reports it.
const metastoreID = "4a1b7c3e-9d2f-4e8a-b6c5-0f1e2d3c4b5a"

// storageRoot is the metastore's managed storage, an ADLS Gen2 container as
// on Azure Databricks.
const storageRoot = "abfss://unity-catalog@brickopsemulator.dfs.core.windows.net/" + metastoreID

// maxNameLength is Unity Catalog's limit on one name part.
const maxNameLength = 255

// validateName applies Unity Catalog's naming rules to one name part: not
// empty, at most 255 characters, no period, space, forward slash or control
// character (Databricks SQL reference, "Names": those are the characters a
// securable name may not contain).
func validateName(kind, field, name string) error {
	if name == "" {
		return core.InvalidParam("Missing required field: %s", field)
	}
	if len(name) > maxNameLength {
		return core.InvalidParam("Invalid %s name '%s': a name must be at most %d characters long.", kind, name, maxNameLength)
	}
	for _, r := range name {
		if r == '.' || r == ' ' || r == '/' || unicode.IsControl(r) {
			return core.InvalidParam("Invalid %s name '%s': names cannot contain a period, a space, a forward slash or control characters.", kind, name)
		}
	}
	return nil
}

// maxCommentLength caps a securable's comment. The API reference states
// no limit; this one keeps multi-megabyte comments (which the service
// refuses) out, and is far above what a description needs.
const maxCommentLength = 65536

// validateComment refuses an over-long comment.
func validateComment(kind, comment string) error {
	if n := utf8.RuneCountInString(comment); n > maxCommentLength {
		return core.InvalidParam("Invalid %s comment: a comment must be at most %d characters long, got %d.", kind, maxCommentLength, n)
	}
	return nil
}

// splitFullName splits a dotted full name into exactly n lower-cased parts.
func splitFullName(kind, full string, n int) ([]string, error) {
	parts := strings.Split(full, ".")
	if len(parts) != n {
		return nil, core.InvalidParam("Invalid %s full name '%s': expected %d dot-separated parts.", kind, full, n)
	}
	for i, p := range parts {
		if p == "" {
			return nil, core.InvalidParam("Invalid %s full name '%s': expected %d dot-separated parts.", kind, full, n)
		}
		parts[i] = strings.ToLower(p)
	}
	return parts, nil
}

// UCKey is the store key of a (full) name.
func UCKey(parts ...string) string { return strings.ToLower(strings.Join(parts, ".")) }

// newUUID returns a random RFC 4122 version 4 UUID, the shape of Unity
// Catalog ids (schema_id, table_id, model version id).
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// loadDoc reads bucket/key into v or answers notFound with the message
// Unity Catalog uses: "<Kind> '<name>' does not exist.".
func loadDoc(tx core.Tx, bucket, key, kind string, v any) error {
	found, err := tx.Get(bucket, key, v)
	if err != nil {
		return err
	}
	if !found {
		return core.NotFound("%s '%s' does not exist.", kind, key)
	}
	return nil
}

// mustNotExist answers alreadyExists when bucket/key is taken.
func mustNotExist(tx core.Tx, bucket, key, kind string) error {
	var probe map[string]any
	found, err := tx.Get(bucket, key, &probe)
	if err != nil {
		return err
	}
	if found {
		return core.AlreadyExists("%s '%s' already exists", kind, key)
	}
	return nil
}

// CountUnder counts the documents in bucket whose key starts with prefix.
func CountUnder(tx core.Tx, bucket, prefix string) (int, error) {
	n := 0
	err := tx.ForEach(bucket, prefix, func(string, []byte) error { n++; return nil })
	return n, err
}

// deleteUnder removes every document in bucket whose key starts with prefix.
func deleteUnder(tx core.Tx, bucket, prefix string) error {
	var keys []string
	if err := tx.ForEach(bucket, prefix, func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(bucket, k); err != nil {
			return err
		}
	}
	return nil
}

// auditFields are the created/updated stamps every securable carries.
type auditFields struct {
	CreatedAt int64  `json:"created_at,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	UpdatedAt int64  `json:"updated_at,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

func (s *Service) stampCreated() auditFields {
	now := s.Now().UnixMilli()
	return auditFields{CreatedAt: now, CreatedBy: s.Options().UserName, UpdatedAt: now, UpdatedBy: s.Options().UserName}
}

func (s *Service) stampUpdated(a *auditFields) {
	a.UpdatedAt, a.UpdatedBy = s.Now().UnixMilli(), s.Options().UserName
}

// ucUpdate loads the document at bucket/key, applies fn and stores it in one
// transaction, so concurrent updates serialise.
func ucUpdate[T any](s *Service, bucket, key, kind string, fn func(tx core.Tx, v *T) error) (T, error) {
	var v T
	err := s.Store().Update(func(tx core.Tx) error {
		if err := loadDoc(tx, bucket, key, kind, &v); err != nil {
			return err
		}
		if err := fn(tx, &v); err != nil {
			return err
		}
		return tx.Put(bucket, key, v)
	})
	return v, err
}

// ucGet loads one document in a read transaction.
func ucGet[T any](s *Service, bucket, key, kind string) (T, error) {
	var v T
	err := s.Store().View(func(tx core.Tx) error { return loadDoc(tx, bucket, key, kind, &v) })
	return v, err
}

// UCList loads every document under prefix in a read transaction.
func UCList[T any](s *Service, bucket, prefix string) ([]T, error) {
	var out []T
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		out, err = core.GetAll[T](tx, bucket, prefix)
		return err
	})
	return out, err
}

// queryBool reads an optional boolean query parameter ("true"/"false").
func queryBool(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, core.InvalidParam("Invalid value for parameter '%s': %q is not a boolean", name, v)
	}
}
