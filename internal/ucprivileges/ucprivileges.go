// Package ucprivileges knows which Unity Catalog privileges apply to which
// securable type, so that the emulator refuses and the provider flags at
// plan time exactly the grants the real service refuses. Source: Databricks
// docs, "Unity Catalog privileges and securable objects" (privilege types by
// securable object), and databricks-sdk-go service/catalog/model.go
// (Privilege, SecurableType). Registered models are FUNCTION securables.
package ucprivileges

import "slices"

// BySecurable lists, per securable type (lower case, as in the permissions
// path), the privileges that can be granted on it.
var BySecurable = map[string][]string{
	"catalog": {
		"ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE_FUNCTION", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL",
		"CREATE_SCHEMA", "CREATE_TABLE", "CREATE_VOLUME", "EXECUTE", "EXTERNAL_USE_SCHEMA", "MANAGE", "MODIFY",
		"READ_VOLUME", "REFRESH", "SELECT", "USE_CATALOG", "USE_SCHEMA", "WRITE_VOLUME",
	},
	"schema": {
		"ALL_PRIVILEGES", "APPLY_TAG", "CREATE_FUNCTION", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "CREATE_TABLE",
		"CREATE_VOLUME", "EXECUTE", "EXTERNAL_USE_SCHEMA", "MANAGE", "MODIFY", "READ_VOLUME", "REFRESH", "SELECT",
		"USE_SCHEMA", "WRITE_VOLUME",
	},
	"table":    {"ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "MODIFY", "SELECT"},
	"function": {"ALL_PRIVILEGES", "APPLY_TAG", "EXECUTE", "MANAGE"},
}

// All is the Privilege enum.
var All = []string{
	"ACCESS", "ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE", "CREATE_CATALOG", "CREATE_CLEAN_ROOM",
	"CREATE_CONNECTION", "CREATE_EXTERNAL_LOCATION", "CREATE_EXTERNAL_TABLE", "CREATE_EXTERNAL_VOLUME",
	"CREATE_FOREIGN_CATALOG", "CREATE_FOREIGN_SECURABLE", "CREATE_FUNCTION", "CREATE_MANAGED_STORAGE",
	"CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "CREATE_PROVIDER", "CREATE_RECIPIENT", "CREATE_SCHEMA",
	"CREATE_SERVICE_CREDENTIAL", "CREATE_SHARE", "CREATE_STORAGE_CREDENTIAL", "CREATE_TABLE", "CREATE_VIEW",
	"CREATE_VOLUME", "EXECUTE", "EXECUTE_CLEAN_ROOM_TASK", "EXTERNAL_USE_SCHEMA", "MANAGE", "MANAGE_ALLOWLIST",
	"MODIFY", "MODIFY_CLEAN_ROOM", "READ_FILES", "READ_PRIVATE_FILES", "READ_VOLUME", "REFRESH", "SELECT",
	"SET_SHARE_PERMISSION", "USAGE", "USE_CATALOG", "USE_CONNECTION", "USE_MARKETPLACE_ASSETS", "USE_PROVIDER",
	"USE_RECIPIENT", "USE_SCHEMA", "USE_SHARE", "WRITE_FILES", "WRITE_PRIVATE_FILES", "WRITE_VOLUME",
}

// Known reports whether p is a privilege at all.
func Known(p string) bool { return slices.Contains(All, p) }

// Applicable reports whether p can be granted on securableType.
func Applicable(securableType, p string) bool {
	return slices.Contains(BySecurable[securableType], p)
}
