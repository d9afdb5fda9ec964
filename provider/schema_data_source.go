package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// newSchemaDataSource mirrors databricks_schema: looked up by its full
// name in `name`, the schema in schema_info (a list of one, as there).
func newSchemaDataSource() datasource.DataSource {
	name := lookupKey("Full name of the schema, `<catalog>.<schema>`.", true)
	name.Validators = []validator.String{stringvalidator.RegexMatches(ucFullName(2), "must be <catalog>.<schema>")}
	return &lookupDataSource{lookupSpec: lookupSpec{
		typeName: "schema",
		description: "Reads a Unity Catalog schema by its full name. " +
			"Same arguments and attributes as `databricks_schema` (`schema_info[0].owner`, …).",
		keys: map[string]schema.StringAttribute{
			"id":   {Computed: true, MarkdownDescription: "`<catalog>.<schema>`."},
			"name": name,
		},
		fields: []apiField{apiOne("schema_info", "The schema, as the Unity Catalog API returns it.", ucSecurableFields(
			apiStr("catalog_name", "Catalog holding the schema."),
			apiStr("catalog_type", "Type of that catalog."),
			apiStr("schema_id", "Unique id of the schema."),
		)...)},
		find: func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error) {
			info, err := w.Schemas.GetByFullName(ctx, keys["name"])
			if err != nil {
				return nil, notFoundAs(err, "schema", fmt.Sprintf("is named %q", keys["name"]))
			}
			return map[string]any{"id": info.FullName, "name": keys["name"], "schema_info": info}, nil
		},
	}}
}
