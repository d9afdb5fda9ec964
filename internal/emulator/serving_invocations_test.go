package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

// startServingLoop serves dev.ml.churn: version 1 (auc 0.97) takes 80 %,
// version 2 (auc 0.55) 20 %, version 3 is a shadow (0 %); requests are
// logged to dev.ml.churn_payload and dev.ml.churn_predictions.
func startServingLoop(t *testing.T, gateway *serving.AiGatewayConfig) (*emulatortest.Emulator, *databricks.WorkspaceClient, string) {
	t.Helper()
	emu, w, wh := startTables(t)
	ctx := context.Background()
	for _, auc := range []float64{0.97, 0.55, 0.7} {
		if _, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"auc": auc}, Params: map[string]string{"max_depth": "6"}}); err != nil {
			t.Fatalf("training a version: %v", err)
		}
	}
	entity := func(v string) serving.ServedEntityInput {
		return serving.ServedEntityInput{EntityName: "dev.ml.churn", EntityVersion: v, WorkloadSize: "Small", ScaleToZeroEnabled: true}
	}
	_, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{
		Name: "churn",
		Config: &serving.EndpointCoreConfigInput{
			ServedEntities: []serving.ServedEntityInput{entity("1"), entity("2"), entity("3")},
			TrafficConfig: &serving.TrafficConfig{Routes: []serving.Route{
				{ServedEntityName: "churn-1", TrafficPercentage: 80}, {ServedEntityName: "churn-2", TrafficPercentage: 20},
				{ServedEntityName: "churn-3", TrafficPercentage: 0, ForceSendFields: []string{"TrafficPercentage"}},
			}},
			AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "dev", SchemaName: "ml", TableNamePrefix: "churn", Enabled: true},
		},
		AiGateway: gateway,
	})
	if err != nil {
		t.Fatalf("creating the endpoint: %v", err)
	}
	return emu, w, wh
}

// query runs a statement and returns its rows as "a|b" strings.
func query(t *testing.T, w *databricks.WorkspaceClient, wh, statement string) []string {
	t.Helper()
	res, err := w.StatementExecution.ExecuteAndWait(context.Background(), sql.ExecuteStatementRequest{WarehouseId: wh, Statement: statement})
	if err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
	var out []string
	for _, row := range res.Result.DataArray {
		out = append(out, strings.Join(row, "|"))
	}
	return out
}

func TestServingInvocations_routeShadowAndLogThroughSDK(t *testing.T) {
	t.Parallel()
	emu, w, wh := startServingLoop(t, nil)
	ctx := context.Background()
	// The SDK paces a client at 15 requests a second by default; these 100
	// go unpaced.
	cfg := client.Isolated(emu.URL, emu.Token)
	cfg.RateLimitPerSecond = 10000
	fast, err := client.Workspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]int{}
	for i := 0; i < 100; i++ {
		res, err := fast.ServingEndpoints.Query(ctx, serving.QueryEndpointInput{
			Name:             "churn",
			DataframeRecords: []any{map[string]any{"x1": 0.1 * float64(i%10), "x2": 0.5, "segment": "a"}},
		})
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		if len(res.Predictions) != 1 {
			t.Fatalf("predictions = %v", res.Predictions)
		}
		served[res.ServedModelName]++
	}
	if served["churn-1"] != 80 || served["churn-2"] != 20 || len(served) != 2 {
		t.Fatalf("routing = %v, want exactly 80/20 and nothing answered by the shadow", served)
	}
	got := query(t, w, wh, "SELECT get_json_object(request_metadata, '$.served_entity_name') AS entity, count(*), min(status_code), "+
		"max(get_json_object(request_metadata, '$.shadow')) FROM dev.ml.churn_payload GROUP BY 1 ORDER BY 1")
	if want := "churn-1|80|200|;churn-2|20|200|;churn-3|100|200|true"; strings.Join(got, ";") != want {
		t.Fatalf("payload table by entity = %v, want %s", got, want)
	}
	got = query(t, w, wh, "SELECT count(*), count(DISTINCT databricks_request_id), min(date), max(execution_time_ms) > 0, "+
		"max(request) LIKE '%dataframe_records%', max(response) LIKE '{\"predictions\":[%' FROM dev.ml.churn_payload")
	if len(got) != 1 || !strings.HasPrefix(got[0], "200|200|") || !strings.HasSuffix(got[0], "|1|1|1") {
		t.Fatalf("payload rows = %v", got)
	}
	// The unpacked predictions table has the features as columns.
	got = query(t, w, wh, "SELECT served_entity_name, model_id, count(*), avg(x1), max(segment), count(label) FROM dev.ml.churn_predictions WHERE NOT shadow GROUP BY 1, 2 ORDER BY 1")
	if want := "churn-1|dev.ml.churn/1|80|0.45|a|0;churn-2|dev.ml.churn/2|20|0.45|a|0"; strings.Join(got, ";") != want {
		t.Fatalf("predictions table = %v, want %s", got, want)
	}
	// Both tables are Unity Catalog tables.
	for _, name := range []string{"dev.ml.churn_payload", "dev.ml.churn_predictions"} {
		table, err := w.Tables.GetByFullName(ctx, name)
		if err != nil {
			t.Fatalf("tables/get %s: %v", name, err)
		}
		if name == "dev.ml.churn_predictions" && (len(table.Columns) != 14 || table.Columns[11].Name != "segment" || table.Columns[12].TypeName != "DOUBLE") {
			t.Fatalf("predictions table columns = %+v", table.Columns)
		}
	}
	// A served model is queried directly, outside the traffic split.
	var direct struct {
		Predictions []int64 `json:"predictions"`
	}
	status := emu.Do(t, http.MethodPost, "/serving-endpoints/churn/served-models/churn-3/invocations", map[string]any{"inputs": map[string]any{"x1": []float64{0.9, 0.1}, "x2": []float64{0.2, 0.3}}}, &direct)
	if status != http.StatusOK || len(direct.Predictions) != 2 {
		t.Fatalf("served-models invocation: %d %v", status, direct)
	}
}

func TestServingInvocations_inputFormatsAgree(t *testing.T) {
	t.Parallel()
	emu, _, _ := startServingLoop(t, nil)
	bodies := []string{
		`{"dataframe_records": [{"a": 0.9, "b": 0.1}, {"a": 0.2, "b": 0.8}]}`,
		`{"dataframe_split": {"columns": ["a", "b"], "data": [[0.9, 0.1], [0.2, 0.8]]}}`,
		`{"instances": [{"a": 0.9, "b": 0.1}, {"a": 0.2, "b": 0.8}]}`,
		`{"inputs": {"a": [0.9, 0.2], "b": [0.1, 0.8]}}`,
		`{"inputs": [{"a": 0.9, "b": 0.1}, {"a": 0.2, "b": 0.8}]}`,
	}
	var first string
	for _, body := range bodies {
		// The served-models path pins one entity, so every format meets the same model.
		var out map[string]any
		if status := doRaw(t, emu, "/serving-endpoints/churn/served-models/churn-1/invocations", body, &out); status != http.StatusOK {
			t.Fatalf("%s: status %d %v", body, status, out)
		}
		got := fmt.Sprint(out["predictions"])
		if first == "" {
			first = got
		} else if got != first {
			t.Fatalf("%s answered %s, dataframe_records answered %s", body, got, first)
		}
	}
	for _, tc := range []struct{ path, body, code, message string }{
		{"/serving-endpoints/churn/invocations", `{"dataframe_records": [{"a": 1}], "instances": [{"a": 1}]}`, "BAD_REQUEST", "exactly one of the input fields"},
		{"/serving-endpoints/churn/invocations", `{"records": []}`, "BAD_REQUEST", "Received dictionary with input fields: ['records']"},
		{"/serving-endpoints/churn/invocations", `[1, 2]`, "BAD_REQUEST", "valid JSON formatted string"},
		{"/serving-endpoints/churn/invocations", `{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}`, "BAD_REQUEST", "row 0 has 2 values for 1 columns"},
		{"/serving-endpoints/churn/invocations", `{"dataframe_records": []}`, "BAD_REQUEST", "holds no records"},
		{"/serving-endpoints/nope/invocations", `{"inputs": [1]}`, "RESOURCE_DOES_NOT_EXIST", "'nope' does not exist"},
		{"/serving-endpoints/churn/served-models/nope/invocations", `{"inputs": [1]}`, "RESOURCE_DOES_NOT_EXIST", "Served model 'nope'"},
	} {
		var out map[string]any
		status := doRaw(t, emu, tc.path, tc.body, &out)
		if status/100 != 4 || out["error_code"] != tc.code || !strings.Contains(fmt.Sprint(out["message"]), tc.message) {
			t.Errorf("%s %s: %d %v, want %s %q", tc.path, tc.body, status, out, tc.code, tc.message)
		}
	}
}

func TestServingInvocations_betterRunPredictsBetterAndShiftDrifts(t *testing.T) {
	t.Parallel()
	emu, w, wh := startServingLoop(t, nil)
	var report struct {
		Succeeded      int            `json:"succeeded"`
		Labelled       int            `json:"labelled"`
		ByServedEntity map[string]int `json:"by_served_entity"`
	}
	if status := emu.Do(t, http.MethodPost, "/_emulator/serving-endpoints/churn/traffic", map[string]any{"requests": 500, "seed": 7}, &report); status != http.StatusOK {
		t.Fatalf("traffic: %d", status)
	}
	if report.Succeeded != 500 || report.Labelled != 500 || report.ByServedEntity["churn-1"] != 400 || report.ByServedEntity["churn-2"] != 100 {
		t.Fatalf("traffic report = %+v", report)
	}
	accuracy := map[string]float64{}
	for _, row := range query(t, w, wh, "SELECT served_entity_name, avg(CASE WHEN prediction = label THEN 1.0 ELSE 0.0 END) FROM dev.ml.churn_predictions GROUP BY 1 ORDER BY 1") {
		name, v, _ := strings.Cut(row, "|")
		accuracy[name], _ = strconv.ParseFloat(v, 64)
	}
	if !(accuracy["churn-1"] > 0.9 && accuracy["churn-2"] < accuracy["churn-3"] && accuracy["churn-3"] < accuracy["churn-1"]) {
		t.Fatalf("accuracy by version (auc 0.97, 0.55, 0.7) = %v", accuracy)
	}
	// A shift moves the inputs: drift on purpose.
	emu.Do(t, http.MethodPost, "/_emulator/serving-endpoints/churn/traffic", map[string]any{"requests": 200, "shift": 1, "label_fraction": 0}, nil)
	got := query(t, w, wh, "SELECT label IS NULL AS shifted, count(*), round(avg(x1), 1), round(avg(CASE WHEN segment = 'c' THEN 1.0 ELSE 0.0 END), 1) "+
		"FROM dev.ml.churn_predictions WHERE NOT shadow GROUP BY 1 ORDER BY 1")
	if strings.Join(got, ";") != "0|500|0.5|0.3;1|200|0.8|0.7" {
		t.Fatalf("inputs before and after a shift of 1 (rows, mean x1, share of segment c) = %v", got)
	}
}

func TestServingInvocations_labelsAndRateLimits(t *testing.T) {
	t.Parallel()
	emu, w, wh := startServingLoop(t, &serving.AiGatewayConfig{
		RateLimits: []serving.AiGatewayRateLimit{{Calls: 3, Key: serving.AiGatewayRateLimitKeyEndpoint, RenewalPeriod: serving.AiGatewayRateLimitRenewalPeriodMinute}},
	})
	for i := 0; i < 3; i++ {
		body := fmt.Sprintf(`{"client_request_id": "c-%d", "dataframe_records": [{"x1": 0.7}]}`, i)
		if status := doRaw(t, emu, "/serving-endpoints/churn/invocations", body, nil); status != http.StatusOK {
			t.Fatalf("request %d: %d", i, status)
		}
	}
	var limited map[string]any
	if status := doRaw(t, emu, "/serving-endpoints/churn/invocations", `{"dataframe_records": [{"x1": 0.7}]}`, &limited); status != http.StatusTooManyRequests ||
		limited["error_code"] != "REQUEST_LIMIT_EXCEEDED" || !strings.Contains(fmt.Sprint(limited["message"]), "3 calls per minute") {
		t.Fatalf("4th request in a minute: %d %v", status, limited)
	}
	var updated map[string]any
	status := emu.Do(t, http.MethodPost, "/_emulator/serving-endpoints/churn/labels", map[string]any{"labels": []map[string]any{{"client_request_id": "c-1", "label": 1}, {"client_request_id": "c-2", "label": "0"}}}, &updated)
	if status != http.StatusOK || updated["updated"] != float64(4) { // each request: the routed answer and the shadow's
		t.Fatalf("labels: %d %v", status, updated)
	}
	got := query(t, w, wh, "SELECT client_request_id, label FROM dev.ml.churn_predictions WHERE NOT shadow ORDER BY 1")
	if strings.Join(got, ";") != "c-0|;c-1|1;c-2|0" {
		t.Fatalf("labels in the predictions table = %v", got)
	}
	if n := query(t, w, wh, "SELECT count(*) FROM dev.ml.churn_payload"); n[0] != "6" {
		t.Fatalf("a rate-limited request is not logged: %v rows", n)
	}
}

// doRaw posts body to path with the workspace token and decodes the answer.
func doRaw(t *testing.T, emu *emulatortest.Emulator, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, emu.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+emu.Token)
	resp, err := emu.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func TestServingInvocations_aiGatewayInferenceTable(t *testing.T) {
	t.Parallel()
	emu, w, wh := startServingLoop(t, &serving.AiGatewayConfig{
		InferenceTableConfig: &serving.AiGatewayInferenceTableConfig{CatalogName: "dev", SchemaName: "ml", TableNamePrefix: "gw", Enabled: true},
	})
	if status := doRaw(t, emu, "/serving-endpoints/churn/invocations", `{"client_request_id": "g-1", "instances": [[0.2, 0.9]]}`, nil); status != http.StatusOK {
		t.Fatalf("invocation: %d", status)
	}
	got := query(t, w, wh, "SELECT client_request_id, status_code, served_entity_id, requester, execution_duration_ms > 0, request_date = date(request_time), "+
		"response LIKE '{\"predictions\":[%' FROM dev.ml.gw_payload ORDER BY served_entity_id")
	if want := "g-1|200|churn-1|brickops@example.com|1|1|1;g-1|200|churn-3|brickops@example.com|1|1|1"; strings.Join(got, ";") != want {
		t.Fatalf("AI Gateway payload rows = %v, want %s", got, want)
	}
	// The auto-capture table logs the same request in its own shape.
	if got := query(t, w, wh, "SELECT count(*) FROM dev.ml.churn_payload WHERE client_request_id = 'g-1'"); got[0] != "2" {
		t.Fatalf("auto-capture rows = %v", got)
	}
	if got := query(t, w, wh, "SELECT f0, f1 FROM dev.ml.gw_predictions WHERE NOT shadow"); strings.Join(got, ";") != "0.2|0.9" {
		t.Fatalf("instances as lists become features f0, f1: %v", got)
	}
}

func TestTableData_droppedWithTheirTableAndByReset(t *testing.T) {
	t.Parallel()
	emu, w, wh := startServingLoop(t, nil)
	ctx := context.Background()
	emu.Do(t, http.MethodPost, "/_emulator/serving-endpoints/churn/traffic", map[string]any{"requests": 5}, nil)
	if got := query(t, w, wh, "SELECT count(*) FROM dev.ml.churn_predictions"); got[0] != "10" {
		t.Fatalf("rows before the delete: %v", got)
	}
	if err := w.Tables.Delete(ctx, catalog.DeleteTableRequest{FullName: "dev.ml.churn_predictions"}); err != nil {
		t.Fatal(err)
	}
	res, err := w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT count(*) FROM dev.ml.churn_predictions"})
	if err != nil || res.Status.State != sql.StatementStateFailed || !strings.Contains(res.Status.Error.Message, "TABLE_OR_VIEW_NOT_FOUND") {
		t.Fatalf("a deleted table: %+v %v", res.Status, err)
	}
	if status := emu.Do(t, http.MethodPost, "/_emulator/reset", nil, nil); status != http.StatusOK {
		t.Fatalf("reset: %d", status)
	}
	engine, err := emu.Server.TableData()
	if err != nil {
		t.Fatal(err)
	}
	if tables := engine.Tables(); len(tables) != 0 {
		t.Fatalf("tables after a reset: %v", tables)
	}
}
