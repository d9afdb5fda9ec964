package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// newServingEndpointDataSource reads one serving endpoint by name. The
// official provider has only the plural databricks_serving_endpoints; the
// attributes here are those of one of its `endpoints` (the REST object,
// nested objects as lists of one), plus endpoint_id as on
// brickops_serving_endpoint.
func newServingEndpointDataSource() datasource.DataSource {
	return &lookupDataSource{lookupSpec: lookupSpec{
		typeName: "serving_endpoint",
		description: "Reads a model serving endpoint by name — its state, what it serves and its id, e.g. for " +
			"`brickops_permissions` on an endpoint another team deploys. Attributes as in one of " +
			"`databricks_serving_endpoints`' `endpoints`.",
		keys: map[string]schema.StringAttribute{
			"name":        lookupKey("Endpoint name.", true),
			"id":          {Computed: true, MarkdownDescription: "System id of the endpoint (what `brickops_permissions` takes as `serving_endpoint_id`)."},
			"endpoint_id": {Computed: true, MarkdownDescription: "The same id, under the name `brickops_serving_endpoint` exports it."},
		},
		fields: []apiField{
			apiStr("description", "Description of the endpoint."),
			apiStr("creator", "Who created it."),
			apiNum("creation_timestamp", "Creation time, epoch seconds."),
			apiNum("last_updated_timestamp", "Last change, epoch seconds."),
			apiStr("task", "Task of the served model, e.g. `llm/v1/chat`, when it has one."),
			apiStr("permission_level", "The caller's permission on the endpoint."),
			apiFlag("route_optimized", "Whether the endpoint is route-optimized."),
			apiStr("endpoint_url", "URL to query the endpoint at, when the API reports one."),
			apiOne("state", "Readiness of the endpoint.",
				apiStr("ready", "`READY` or `NOT_READY`."),
				apiStr("config_update", "`NOT_UPDATING`, `IN_PROGRESS`, `UPDATE_FAILED` or `UPDATE_CANCELED`."),
			),
			apiOne("config", "The active configuration.",
				apiNum("config_version", "Version of the active config."),
				apiList("served_entities", "What the endpoint serves.",
					apiStr("name", "Served entity name."),
					apiStr("entity_name", "Full name of the registered model."),
					apiStr("entity_version", "Model version served."),
					apiStr("workload_size", "`Small`, `Medium` or `Large`."),
					apiStr("workload_type", "`CPU` or a GPU type."),
					apiFlag("scale_to_zero_enabled", "Whether it scales to zero when idle."),
					apiStrMap("environment_vars", "Environment variables of the served entity."),
				),
				apiOne("traffic_config", "How requests are split among served entities.",
					apiList("routes", "One route per served entity.",
						apiStr("served_entity_name", "Served entity name."),
						apiNum("traffic_percentage", "Share of the traffic, in percent."),
					),
				),
				apiOne("auto_capture_config", "Inference table the endpoint logs to.",
					apiStr("catalog_name", "Catalog of the inference table."),
					apiStr("schema_name", "Schema of the inference table."),
					apiStr("table_name_prefix", "Prefix of the inference table's name."),
					apiFlag("enabled", "Whether logging is on."),
				),
			),
			apiList("tags", "Tags of the endpoint.", apiStr("key", "Tag key."), apiStr("value", "Tag value.")),
		},
		find: func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error) {
			e, err := w.ServingEndpoints.GetByName(ctx, keys["name"])
			if err != nil {
				return nil, notFoundAs(err, "serving endpoint", fmt.Sprintf("is named %q", keys["name"]))
			}
			return merged{e, map[string]any{"endpoint_id": e.Id}}, nil
		},
	}}
}
