package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// newCatalogDataSource mirrors databricks_catalog: looked up by name, the
// catalog in catalog_info (a list of one, as there).
func newCatalogDataSource() datasource.DataSource {
	return &lookupDataSource{lookupSpec: lookupSpec{
		typeName: "catalog",
		description: "Reads a Unity Catalog catalog by name — e.g. an environment's catalog that another team manages. " +
			"Same arguments and attributes as `databricks_catalog` (`catalog_info[0].owner`, …).",
		keys: map[string]schema.StringAttribute{
			"id":   {Computed: true, MarkdownDescription: "The catalog name."},
			"name": lookupKey("Catalog name.", true),
		},
		fields: []apiField{apiOne("catalog_info", "The catalog, as the Unity Catalog API returns it.", ucSecurableFields(
			apiStr("catalog_type", "`MANAGED_CATALOG`, `DELTASHARING_CATALOG`, …"),
			apiStr("isolation_mode", "`OPEN` or `ISOLATED`."),
			apiStr("provider_name", "Delta Sharing provider, for a shared catalog."),
			apiStr("share_name", "Delta Sharing share, for a shared catalog."),
			apiStr("connection_name", "Connection, for a foreign catalog."),
			apiStrMap("options", "Options of a foreign catalog."),
			apiStr("securable_type", "`CATALOG`."),
		)...)},
		find: func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error) {
			info, err := w.Catalogs.GetByName(ctx, keys["name"])
			if err != nil {
				return nil, notFoundAs(err, "catalog", fmt.Sprintf("is named %q", keys["name"]))
			}
			return map[string]any{"id": info.Name, "name": keys["name"], "catalog_info": info}, nil
		},
	}}
}

// ucSecurableFields are the fields catalogs and schemas share, then more.
func ucSecurableFields(more ...apiField) []apiField {
	return append([]apiField{
		apiStr("name", "Name."),
		apiStr("full_name", "Full name."),
		apiStr("comment", "Description."),
		apiStr("owner", "Owner: a user, group or service principal."),
		apiStrMap("properties", "Key/value properties."),
		apiStr("storage_root", "Managed storage root set on it, if any."),
		apiStr("storage_location", "Storage location its managed objects use."),
		apiStr("metastore_id", "Unity Catalog metastore holding it."),
		apiStr("enable_predictive_optimization", "`ENABLE`, `DISABLE` or `INHERIT`."),
		apiFlag("browse_only", "Whether the caller may only browse its metadata."),
		apiNum("created_at", "Creation time, epoch milliseconds."),
		apiStr("created_by", "Who created it."),
		apiNum("updated_at", "Last change, epoch milliseconds."),
		apiStr("updated_by", "Who changed it last."),
	}, more...)
}
