package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// newClusterDataSource mirrors databricks_cluster: looked up by
// cluster_id or cluster_name (a name several clusters share is an error,
// as there), the cluster in cluster_info.
func newClusterDataSource() datasource.DataSource {
	return &lookupDataSource{lookupSpec: lookupSpec{
		typeName: "cluster",
		description: "Reads an all-purpose cluster by id or by name — e.g. a shared cluster a job runs on. " +
			"Same arguments and attributes as `databricks_cluster`'s data source (`cluster_info[0].spark_version`, …).",
		keys: map[string]schema.StringAttribute{
			"id":           {Computed: true, MarkdownDescription: "The cluster id."},
			"cluster_id":   lookupKey("Cluster id (or give `cluster_name`).", false),
			"cluster_name": lookupKey("Cluster name (or give `cluster_id`); it must name exactly one cluster.", false),
		},
		validators: []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("cluster_id"), path.MatchRoot("cluster_name"))},
		fields: []apiField{apiOne("cluster_info", "The cluster, as the Clusters API returns it.", append(clusterSpecFields(),
			apiStr("cluster_id", "Cluster id."),
			apiStr("state", "`PENDING`, `RUNNING`, `TERMINATED`, …"),
			apiStr("state_message", "Why it is in that state."),
			apiStr("creator_user_name", "Who created it."),
			apiStrMap("default_tags", "Tags Databricks adds (`Vendor`, `ClusterName`, …)."),
			apiStr("cluster_source", "`UI`, `API`, `JOB`, …"),
			apiNum("start_time", "When it was created, epoch milliseconds."),
			apiNum("terminated_time", "When it last terminated, epoch milliseconds."),
			apiNum("last_restarted_time", "When it last started, epoch milliseconds."),
			apiNum("spark_context_id", "Id of its current Spark context."),
			apiNum("jdbc_port", "Port of its JDBC/ODBC server."),
		)...)},
		find: func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error) {
			var c *compute.ClusterDetails
			if name := keys["cluster_name"]; name != "" {
				all, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{PageSize: 100})
				if err != nil {
					return nil, fmt.Errorf("listing clusters to find the one named %q: %w", name, err)
				}
				var named []compute.ClusterDetails
				for _, cl := range all {
					if cl.ClusterName == name {
						named = append(named, cl)
					}
				}
				one, err := onlyMatch(named, func(c compute.ClusterDetails) string { return c.ClusterId }, "cluster", name)
				if err != nil {
					return nil, err
				}
				c = &one
			} else {
				var err error
				if c, err = w.Clusters.GetByClusterId(ctx, keys["cluster_id"]); err != nil {
					return nil, notFoundAs(err, "cluster", fmt.Sprintf("has id %q", keys["cluster_id"]))
				}
			}
			return map[string]any{"id": c.ClusterId, "cluster_id": c.ClusterId, "cluster_name": c.ClusterName, "cluster_info": c}, nil
		},
	}}
}

// clusterSpecFields are what a cluster and a job's new_cluster share.
func clusterSpecFields() []apiField {
	return []apiField{
		apiStr("cluster_name", "Cluster name."),
		apiStr("spark_version", "Databricks Runtime version."),
		apiStr("node_type_id", "Worker VM type."),
		apiStr("driver_node_type_id", "Driver VM type."),
		apiNum("num_workers", "Fixed number of workers (0 with autoscale)."),
		apiOne("autoscale", "Worker range, when it autoscales.", apiNum("min_workers", "Fewest workers."), apiNum("max_workers", "Most workers.")),
		apiNum("autotermination_minutes", "Idle minutes before it terminates; 0 never."),
		apiStrMap("custom_tags", "Tags on its cloud resources."),
		apiStrMap("spark_conf", "Spark configuration."),
		apiStrMap("spark_env_vars", "Environment variables."),
		apiStr("data_security_mode", "Access mode, e.g. `SINGLE_USER` or `USER_ISOLATION`."),
		apiStr("single_user_name", "The user or service principal of a single-user cluster."),
		apiStr("policy_id", "Cluster policy it follows."),
		apiStr("instance_pool_id", "Pool its workers come from."),
		apiStr("driver_instance_pool_id", "Pool its driver comes from."),
		apiStr("runtime_engine", "`STANDARD` or `PHOTON`."),
		apiStr("kind", "`CLASSIC_PREVIEW` for the simple form, else empty."),
		apiFlag("is_single_node", "Whether it is a single-node cluster."),
		apiFlag("use_ml_runtime", "Whether it runs the ML runtime."),
		apiFlag("enable_elastic_disk", "Whether local storage autoscales."),
		apiFlag("enable_local_disk_encryption", "Whether local disks are encrypted."),
		apiStrs("ssh_public_keys", "SSH keys added to its nodes."),
		apiOne("azure_attributes", "Azure settings.",
			apiStr("availability", "`ON_DEMAND_AZURE`, `SPOT_AZURE` or `SPOT_WITH_FALLBACK_AZURE`."),
			apiNum("first_on_demand", "How many nodes are on-demand before spot ones."),
		),
	}
}
