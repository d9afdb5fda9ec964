package workspace

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Online tables: /api/2.0/online-tables, read-optimised copies of Delta
// (feature) tables for low-latency lookups by serving endpoints. Fields and
// enums follow databricks-sdk-go service/catalog/model.go (OnlineTable,
// OnlineTableSpec, OnlineTableStatus, OnlineTableState,
// ProvisioningInfoState); the create body is the table itself
// (onlineTablesImpl.Create sends request.Table).
//
// Lifecycle after create, each phase Options.AsyncDelay long:
// unity_catalog_provisioning_state PROVISIONING with detailed_state
// PROVISIONING_PIPELINE_RESOURCES; then ACTIVE with
// PROVISIONING_INITIAL_SNAPSHOT; then ONLINE_NO_PENDING_UPDATE (run_triggered)
// or ONLINE_CONTINUOUS_UPDATE (run_continuously). If the source table is
// dropped, the table reports ONLINE_PIPELINE_FAILED. The online table is
// also a Unity Catalog table entry with the source's columns.

const OnlineTablesBucket = "online_tables"

type onlineTableSpec struct {
	SourceTableFullName string    `json:"source_table_full_name,omitempty"`
	PrimaryKeyColumns   []string  `json:"primary_key_columns,omitempty"`
	TimeseriesKey       string    `json:"timeseries_key,omitempty"`
	PerformFullCopy     bool      `json:"perform_full_copy,omitempty"`
	RunTriggered        *struct{} `json:"run_triggered,omitempty"`
	RunContinuously     *struct{} `json:"run_continuously,omitempty"`
	PipelineID          string    `json:"pipeline_id,omitempty"`
}

type onlineTable struct {
	Name            string          `json:"name"`
	Spec            onlineTableSpec `json:"spec"`
	TableServingURL string          `json:"table_serving_url,omitempty"`
	// Emulator bookkeeping: creation time and delay drive the state.
	CreatedAt   int64 `json:"_created_at"`
	DelayMillis int64 `json:"_delay_millis"`
}

// view is the API answer at now (catalog.OnlineTable).
func (o onlineTable) view(tx core.Tx, now time.Time) (map[string]any, error) {
	at, d := now.UnixMilli(), o.DelayMillis
	ucState, detailed, message := "ACTIVE", "", ""
	status := map[string]any{}
	progress := func(done float64) map[string]any {
		return map[string]any{"sync_progress_completion": done, "synced_row_count": int64(done * 1000), "total_row_count": 1000}
	}
	stamp := time.UnixMilli(o.CreatedAt + 2*d).UTC().Format(time.RFC3339)
	switch {
	case at < o.CreatedAt+d:
		ucState, detailed, message = "PROVISIONING", "PROVISIONING_PIPELINE_RESOURCES", "Provisioning the synchronization pipeline."
	case at < o.CreatedAt+2*d:
		detailed, message = "PROVISIONING_INITIAL_SNAPSHOT", "Copying the initial snapshot of the source table."
		status["provisioning_status"] = map[string]any{"initial_pipeline_sync_progress": progress(0.5)}
	default:
		exists, err := tableExistsTx(tx, strings.ToLower(o.Spec.SourceTableFullName))
		if err != nil {
			return nil, err
		}
		switch {
		case !exists:
			detailed, message = "ONLINE_PIPELINE_FAILED", fmt.Sprintf("The synchronization pipeline failed: source table '%s' does not exist.", o.Spec.SourceTableFullName)
			status["failed_status"] = map[string]any{"timestamp": stamp}
		case o.Spec.RunContinuously != nil:
			detailed, message = "ONLINE_CONTINUOUS_UPDATE", "Online table is online and continuously updated."
			status["continuous_update_status"] = map[string]any{"last_processed_commit_version": 1, "timestamp": stamp}
		default:
			detailed, message = "ONLINE_NO_PENDING_UPDATE", "Online table is online; no update is pending."
			status["triggered_update_status"] = map[string]any{"last_processed_commit_version": 1, "timestamp": stamp}
		}
	}
	status["detailed_state"], status["message"] = detailed, message
	return map[string]any{
		"name": o.Name, "spec": o.Spec, "status": status, "table_serving_url": o.TableServingURL,
		"unity_catalog_provisioning_state": ucState,
	}, nil
}

func (s *Service) createOnlineTable(r *http.Request) (any, error) {
	var req struct {
		Name string          `json:"name"`
		Spec onlineTableSpec `json:"spec"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("name", req.Name); err != nil {
		return nil, err
	}
	parts, err := splitFullName("online table", req.Name, 3)
	if err != nil {
		return nil, err
	}
	spec := req.Spec
	if err := core.RequireString("spec.source_table_full_name", spec.SourceTableFullName); err != nil {
		return nil, err
	}
	if len(spec.PrimaryKeyColumns) == 0 {
		return nil, core.InvalidParam("Missing required field: spec.primary_key_columns")
	}
	if (spec.RunTriggered == nil) == (spec.RunContinuously == nil) {
		return nil, core.InvalidParam("Exactly one of spec.run_triggered and spec.run_continuously must be set.")
	}
	if spec.PerformFullCopy && spec.RunContinuously != nil {
		return nil, core.InvalidParam("perform_full_copy supports only the run_triggered scheduling policy.")
	}
	if spec.PipelineID != "" {
		return nil, core.InvalidParam("spec.pipeline_id is generated by the server and cannot be set.")
	}
	srcParts, err := splitFullName("table", spec.SourceTableFullName, 3)
	if err != nil {
		return nil, err
	}
	spec.SourceTableFullName = UCKey(srcParts...)
	name := UCKey(parts...)
	now := s.Now()
	o := onlineTable{Name: name, CreatedAt: now.UnixMilli(), DelayMillis: s.Options().AsyncDelay.Milliseconds()}
	var out map[string]any
	err = s.Store().Update(func(tx core.Tx) error {
		var src tableInfo
		if err := loadDoc(tx, TablesBucket, spec.SourceTableFullName, "Table", &src); err != nil {
			return err
		}
		for _, c := range append(append([]string{}, spec.PrimaryKeyColumns...), spec.TimeseriesKey) {
			if _, ok := src.column(c); c != "" && !ok {
				return core.InvalidParam("Column '%s' does not exist in source table '%s'.", c, src.FullName)
			}
		}
		if exists, err := tableExistsTx(tx, name); err != nil || exists {
			if err == nil {
				err = core.AlreadyExists("Table '%s' already exists", name)
			}
			return err
		}
		spec.PipelineID = newUUID()
		o.Spec = spec
		o.TableServingURL = fmt.Sprintf("%s://%s/api/2.0/feature-serving/online-tables/%s", schemeOf(r), r.Host, name)
		cols := append([]columnInfo(nil), src.Columns...)
		if _, err := s.putDerivedTable(tx, parts[0], parts[1], parts[2], "Online table synced from "+src.FullName+".", cols,
			map[string]string{"source_table": src.FullName, "pipeline_id": spec.PipelineID}); err != nil {
			return err
		}
		if err := tx.Put(OnlineTablesBucket, name, o); err != nil {
			return err
		}
		var err error
		out, err = o.view(tx, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func schemeOf(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func onlineTableName(r *http.Request) (string, error) {
	parts, err := splitFullName("online table", r.PathValue("name"), 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func (s *Service) getOnlineTable(r *http.Request) (any, error) {
	name, err := onlineTableName(r)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = s.Store().View(func(tx core.Tx) error {
		var o onlineTable
		found, err := tx.Get(OnlineTablesBucket, name, &o)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("Online table '%s' does not exist.", name)
		}
		out, err = o.view(tx, s.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deleteOnlineTable drops the online table and its Unity Catalog entry;
// the source table is untouched.
func (s *Service) deleteOnlineTable(r *http.Request) (any, error) {
	name, err := onlineTableName(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var probe map[string]any
		found, err := tx.Get(OnlineTablesBucket, name, &probe)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("Online table '%s' does not exist.", name)
		}
		if err := tx.Delete(TablesBucket, name); err != nil {
			return err
		}
		return tx.Delete(OnlineTablesBucket, name)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
