package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Querying a serving endpoint: POST /serving-endpoints/{name}/invocations
// (databricks-sdk-go service/serving/impl.go, servingEndpointsImpl.Query)
// and POST /serving-endpoints/{name}/served-models/{served_model}/invocations,
// which bypasses the traffic split. Bodies are the MLflow scoring server's
// (serving_model.go); answers are {"predictions": [...]} with the
// served-model-name header the SDK reads (QueryEndpointResponse).
//
// Routing. Request number n of an endpoint (counted from the emulator's
// start) goes to the entity whose cumulative traffic_percentage range
// holds (37·n mod 100): every 100 consecutive requests split exactly as
// the traffic config says. Entities with 0 % (shadows) get a copy of each
// routed request; their answer is logged, never returned.
//
// Rate limits. The endpoint's rate_limits and its AI Gateway's calls
// limits count requests per minute of the emulator clock, per endpoint or
// per user; a request over a limit answers 429 REQUEST_LIMIT_EXCEEDED and
// is not logged.
//
// Logging. With auto_capture_config (or the AI Gateway's
// inference_table_config) enabled, every answer (shadows' included) is a
// row of {catalog}.{schema}.{prefix}_payload with the production columns
// (inferenceTableColumns, aiGatewayInferenceColumns), and every record a
// row of {prefix}_predictions (predictionsTableColumns): the unpacked
// table a user's job would derive from the payload table, which an
// InferenceLog monitor reads (prediction, label, model_id, timestamp and
// one column per feature). Ground-truth labels reach its label column
// through POST /_emulator/serving-endpoints/{name}/labels, or with the
// generated traffic of POST /_emulator/serving-endpoints/{name}/traffic.

const (
	predictionsTableSuffix = "_predictions"
	servedModelHeader      = "served-model-name"
)

// servingTraffic is the in-memory side of serving: request counters and
// rate-limit windows, per endpoint.
type servingTraffic struct {
	mu      sync.Mutex
	seq     map[string]int64
	windows map[string]rateWindow
	// generated counts traffic batches per endpoint (their default seed).
	generated map[string]int64
}

type rateWindow struct {
	minute int64
	calls  int64
}

func newServingTraffic() *servingTraffic {
	return &servingTraffic{seq: map[string]int64{}, windows: map[string]rateWindow{}, generated: map[string]int64{}}
}

func (t *servingTraffic) next(endpoint string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.seq[endpoint]
	t.seq[endpoint] = n + 1
	return n
}

// admit counts a call against every applicable limit and reports the
// first one it exceeds ("" when it is admitted).
func (t *servingTraffic) admit(endpoint, user string, now time.Time, limits []callLimit) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	minute := now.Unix() / 60
	for _, l := range limits {
		key := endpoint + "|" + l.key
		if l.perUser {
			key += "|" + user
		}
		w := t.windows[key]
		if w.minute != minute {
			w = rateWindow{minute: minute}
		}
		if w.calls >= l.calls {
			return fmt.Sprintf("Exceeded the rate limit of %d calls per minute (key %s) on endpoint '%s'. Retry after the current minute.", l.calls, l.key, endpoint)
		}
		w.calls++
		t.windows[key] = w
	}
	return ""
}

type callLimit struct {
	key     string
	calls   int64
	perUser bool
}

// callLimits are the endpoint's per-minute call limits that apply to user.
func callLimits(e ServingEndpoint, user string) []callLimit {
	var out []callLimit
	for _, l := range e.RateLimits {
		if l.RenewalPeriod == "minute" && l.Calls > 0 {
			key := l.Key
			if key == "" {
				key = "user"
			}
			out = append(out, callLimit{key: "legacy-" + key, calls: l.Calls, perUser: key != "endpoint"})
		}
	}
	if g := e.AIGateway; g != nil {
		for _, l := range g.RateLimits {
			if l.Calls <= 0 || l.Principal != "" && l.Principal != user {
				continue
			}
			out = append(out, callLimit{key: l.Key, calls: l.Calls, perUser: l.Key != "endpoint"})
		}
	}
	return out
}

// invocation is one routed request and what each entity answered.
type invocation struct {
	endpoint ServingEndpoint
	input    scoringInput
	raw      []byte
	records  []map[string]any
	// labels are the records' true labels when known (generated traffic).
	labels    []*int64
	at        time.Time
	requester string
}

// entityAnswer is one served entity's answer to an invocation.
type entityAnswer struct {
	entity      servedEntity
	behaviour   modelBehaviour
	shadow      bool
	status      int
	body        []byte
	predictions []int64
	requestID   string
	latencyMS   int64
}

func (s *Service) invokeEndpoint(w http.ResponseWriter, r *http.Request) {
	s.serveInvocation(w, r, "")
}

func (s *Service) invokeServedModel(w http.ResponseWriter, r *http.Request) {
	s.serveInvocation(w, r, r.PathValue("served_model"))
}

func (s *Service) serveInvocation(w http.ResponseWriter, r *http.Request, servedModel string) {
	if err := s.CheckWorkspaceAuth(r); err != nil {
		core.WriteAPIError(w, err)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, core.MaxBodyBytes+1))
	if err != nil || len(raw) > core.MaxBodyBytes {
		core.WriteAPIError(w, scoringError("Could not read the request body (at most %d bytes).", core.MaxBodyBytes))
		return
	}
	answer, err := s.invoke(r.Context(), r.PathValue("name"), servedModel, raw)
	if err != nil {
		core.WriteAPIError(w, err)
		return
	}
	w.Header().Set(servedModelHeader, answer.entity.Name)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(answer.status)
	_, _ = w.Write(answer.body)
}

// invoke routes one request, answers it from the routed entity (and the
// shadows), logs every answer, and returns the routed entity's.
func (s *Service) invoke(ctx context.Context, name, servedModel string, raw []byte) (*entityAnswer, error) {
	return s.invokeRecords(ctx, name, servedModel, raw, nil)
}

// invokeWithLabels is invoke for generated traffic, whose true labels
// (one per record, nil when unknown) are logged with the predictions.
func (s *Service) invokeWithLabels(ctx context.Context, name string, raw []byte, labels []*int64) (*entityAnswer, error) {
	return s.invokeRecords(ctx, name, "", raw, labels)
}

func (s *Service) invokeRecords(ctx context.Context, name, servedModel string, raw []byte, labels []*int64) (*entityAnswer, error) {
	e, err := s.liveEndpoint(name)
	if err != nil {
		return nil, err
	}
	engine, err := s.tables()
	if err != nil {
		return nil, err
	}
	traffic := s.live().serving
	in, records, err := parseScoringInput(bytes.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if msg := traffic.admit(e.Name, s.Options().UserName, now, callLimits(e, s.Options().UserName)); msg != "" {
		return nil, core.APIErr(http.StatusTooManyRequests, core.CodeRequestLimitExceeded, "%s", msg)
	}
	seq := traffic.next(e.Name)
	routed, shadows, err := route(e, servedModel, seq)
	if err != nil {
		return nil, err
	}
	inv := invocation{endpoint: e, input: in, raw: raw, records: records, labels: labels, at: now, requester: s.Options().UserName}
	var answers []*entityAnswer
	for i, se := range append([]servedEntity{routed}, shadows...) {
		b, err := s.behaviourFor(se)
		if err != nil {
			return nil, err
		}
		answers = append(answers, answerWith(se, b, i > 0, seq, records))
	}
	if err := s.logInvocation(ctx, engine, inv, answers); err != nil {
		return nil, fmt.Errorf("logging the request to the inference table of endpoint %s: %w", e.Name, err)
	}
	return answers[0], nil
}

// liveEndpoint reads an endpoint that serves a config, resolving a due
// deployment first.
func (s *Service) liveEndpoint(name string) (ServingEndpoint, error) {
	var e ServingEndpoint
	var found bool
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		found, err = tx.Get(ServingBucket, name, &e)
		return err
	})
	if err != nil {
		return e, err
	}
	if !found {
		return e, core.NotFound("Endpoint with name '%s' does not exist.", name)
	}
	if e.State.ConfigUpdate == configInProgress && s.Now().UnixMilli() >= e.ResolveAt {
		if e, err = s.WithEndpoint(name, nil); err != nil {
			return e, err
		}
	}
	if e.Config == nil || len(e.Config.ServedEntities) == 0 {
		return e, core.InvalidState("Endpoint '%s' is not ready to serve: it has no active config yet (state.ready is %s, config_update %s).", name, e.State.Ready, e.State.ConfigUpdate)
	}
	return e, nil
}

// route picks the entity that answers request seq and the shadows that
// get a copy.
func route(e ServingEndpoint, servedModel string, seq int64) (servedEntity, []servedEntity, error) {
	entities := e.Config.ServedEntities
	if servedModel != "" {
		for _, se := range entities {
			if se.Name == servedModel {
				return se, nil, nil
			}
		}
		return servedEntity{}, nil, core.NotFound("Served model '%s' does not exist in endpoint '%s'.", servedModel, e.Name)
	}
	percent := map[string]int{}
	var order []string
	if tc := e.Config.TrafficConfig; tc != nil {
		for _, rt := range tc.Routes {
			percent[rt.ServedEntityName] = rt.TrafficPercentage
			order = append(order, rt.ServedEntityName)
		}
	}
	bucket := int((37 * seq) % 100)
	var routed *servedEntity
	var shadows []servedEntity
	cumulative := 0
	for _, name := range order {
		cumulative += percent[name]
		if routed == nil && bucket < cumulative {
			for i := range entities {
				if entities[i].Name == name {
					routed = &entities[i]
				}
			}
		}
	}
	for _, se := range entities {
		if percent[se.Name] == 0 {
			shadows = append(shadows, se)
		}
	}
	if routed == nil {
		return servedEntity{}, nil, core.InvalidState("Endpoint '%s' routes no traffic to any served entity.", e.Name)
	}
	return *routed, shadows, nil
}

// behaviourFor reads the served model version and its run.
func (s *Service) behaviourFor(se servedEntity) (modelBehaviour, error) {
	var b modelBehaviour
	err := s.Store().View(func(tx core.Tx) error {
		parts, err := splitFullName("model", se.EntityName, 3)
		if err != nil {
			return err
		}
		n, err := parseVersion(se.EntityVersion)
		if err != nil {
			return err
		}
		var v modelVersion
		if err := loadVersion(tx, UCKey(parts...), n, &v); err != nil {
			return err
		}
		var run *MLflowRun
		if v.RunID != "" {
			var r MLflowRun
			if loadRun(tx, v.RunID, &r) == nil {
				run = &r
			}
		}
		// The version's name, not its random id, seeds its behaviour: the
		// same model version answers alike on every emulator.
		b = behaviourOf(se.EntityName, se.EntityVersion, UCKey(parts...)+"/"+se.EntityVersion, run)
		return nil
	})
	return b, err
}

// answerWith is what entity se with behaviour b answers to request seq.
func answerWith(se servedEntity, b modelBehaviour, shadow bool, seq int64, records []map[string]any) *entityAnswer {
	a := &entityAnswer{entity: se, behaviour: b, shadow: shadow, requestID: newUUID(), latencyMS: b.LatencyMS + int64(len(records))}
	if b.fails(seq) {
		a.status = http.StatusInternalServerError
		a.body, _ = json.Marshal(core.APIError{Code: core.CodeInternalError, Message: fmt.Sprintf("Model %s version %s failed to score the request (emulated error rate %.2f).", b.EntityName, b.EntityVersion, b.ErrorRate)})
		return a
	}
	a.status = http.StatusOK
	for _, rec := range records {
		a.predictions = append(a.predictions, b.predict(rec))
	}
	a.body, _ = json.Marshal(map[string]any{"predictions": a.predictions})
	return a
}

// inferenceTargets are the payload tables an endpoint logs to: its
// auto-capture table, and its AI Gateway's (which wins when both name the
// same table).
type inferenceTarget struct {
	catalog, schema, prefix string
	gateway                 bool
}

func (t inferenceTarget) table(suffix string) string {
	return UCKey(t.catalog, t.schema, t.prefix+suffix)
}

func inferenceTargets(e ServingEndpoint) []inferenceTarget {
	var out []inferenceTarget
	if g := e.AIGateway; g != nil && g.InferenceTableConfig != nil && g.InferenceTableConfig.Enabled {
		c := g.InferenceTableConfig
		out = append(out, inferenceTarget{c.CatalogName, c.SchemaName, c.TableNamePrefix, true})
	}
	if e.Config != nil && e.Config.AutoCaptureConfig != nil && e.Config.AutoCaptureConfig.Enabled {
		c := e.Config.AutoCaptureConfig
		t := inferenceTarget{c.CatalogName, c.SchemaName, c.TableNamePrefix, false}
		if len(out) == 0 || out[0].table(InferenceTableSuffix) != t.table(InferenceTableSuffix) {
			out = append(out, t)
		}
	}
	return out
}

// predictionsTableColumns are the fixed columns of {prefix}_predictions;
// one column per feature follows (DOUBLE for numbers and booleans, STRING
// otherwise), added as features first appear.
func predictionsTableColumns() []columnInfo {
	return []columnInfo{
		col("databricks_request_id", "STRING"), col("client_request_id", "STRING"), col("timestamp", "TIMESTAMP"),
		col("date", "DATE"), col("served_entity_name", "STRING"), col("model_id", "STRING"), col("status_code", "INT"),
		col("execution_time_ms", "LONG"), col("shadow", "BOOLEAN"), col("prediction", "LONG"), col("label", "LONG"),
	}
}

// logInvocation writes the answers to the endpoint's inference tables.
func (s *Service) logInvocation(ctx context.Context, engine *tabledata.Engine, inv invocation, answers []*entityAnswer) error {
	targets := inferenceTargets(inv.endpoint)
	if len(targets) == 0 {
		return nil
	}
	features := featureColumns(inv.records)
	for _, target := range targets {
		if err := s.ensureInferenceTables(ctx, engine, inv.endpoint, target, features); err != nil {
			return err
		}
		var payload, predictions []tabledata.Row
		for _, a := range answers {
			payload = append(payload, payloadRow(inv, a, target.gateway))
			if a.status != http.StatusOK {
				continue
			}
			for i, rec := range inv.records {
				row := tabledata.Row{
					"databricks_request_id": a.requestID, "timestamp": inv.at, "date": inv.at,
					"served_entity_name": a.entity.Name, "model_id": a.entity.EntityName + "/" + a.entity.EntityVersion,
					"status_code": a.status, "execution_time_ms": a.latencyMS, "shadow": a.shadow, "prediction": a.predictions[i],
				}
				if inv.input.ClientRequestID != "" {
					row["client_request_id"] = inv.input.ClientRequestID
				}
				if i < len(inv.labels) && inv.labels[i] != nil {
					row["label"] = *inv.labels[i]
				}
				for _, f := range features {
					if f.TypeName == "DOUBLE" {
						if x, ok := featureValue(rec[f.Name]); ok {
							row[f.Name] = x
						}
					} else if v, ok := rec[f.Name]; ok && v != nil {
						row[f.Name] = fmt.Sprint(v)
					}
				}
				predictions = append(predictions, row)
			}
		}
		if err := engine.Insert(ctx, target.table(InferenceTableSuffix), payload); err != nil {
			return err
		}
		if err := engine.Insert(ctx, target.table(predictionsTableSuffix), predictions); err != nil {
			return err
		}
	}
	return nil
}

// payloadRow is an answer as the payload table records it.
func payloadRow(inv invocation, a *entityAnswer, gateway bool) tabledata.Row {
	row := tabledata.Row{
		"databricks_request_id": a.requestID, "status_code": a.status, "sampling_fraction": 1.0,
		"request": string(inv.raw), "response": string(a.body),
	}
	if inv.input.ClientRequestID != "" {
		row["client_request_id"] = inv.input.ClientRequestID
	}
	if gateway {
		row["request_date"], row["request_time"], row["execution_duration_ms"] = inv.at, inv.at, a.latencyMS
		row["served_entity_id"], row["requester"] = a.entity.Name, inv.requester
		return row
	}
	row["date"], row["timestamp_ms"], row["execution_time_ms"] = inv.at, inv.at.UnixMilli(), a.latencyMS
	meta := map[string]string{"endpoint_name": inv.endpoint.Name, "model_name": a.entity.EntityName, "model_version": a.entity.EntityVersion, "served_entity_name": a.entity.Name}
	if a.shadow {
		meta["shadow"] = "true"
	}
	row["request_metadata"] = meta
	return row
}

// featureColumns are the predictions table's columns for the features of
// records, in name order.
func featureColumns(records []map[string]any) []tabledata.Column {
	types := map[string]string{}
	for _, rec := range records {
		for k, v := range rec {
			switch v.(type) {
			case json.Number, float64, bool:
				if types[k] == "" {
					types[k] = "DOUBLE"
				}
			case nil:
			default:
				types[k] = "STRING"
			}
		}
	}
	names := make([]string, 0, len(types))
	for k := range types {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]tabledata.Column, 0, len(names))
	for _, n := range names {
		if reservedPredictionColumn(n) {
			continue
		}
		out = append(out, tabledata.Column{Name: n, TypeName: types[n], Nullable: true})
	}
	return out
}

func reservedPredictionColumn(name string) bool {
	for _, c := range predictionsTableColumns() {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

// putInferenceTables registers an endpoint's inference tables in Unity
// Catalog when its capture is turned on: the payload table, as production
// does, and the predictions table with its fixed columns, so a quality
// monitor can be created on it before the first request. A predictions
// table that exists already keeps the feature columns traffic gave it.
func (s *Service) putInferenceTables(tx core.Tx, endpoint string, target inferenceTarget) error {
	payloadCols, comment := inferenceTableColumns(), "Inference table of serving endpoint "+endpoint+"."
	if target.gateway {
		payloadCols, comment = aiGatewayInferenceColumns(), "AI Gateway inference table of serving endpoint "+endpoint+"."
	}
	props := map[string]string{"serving_endpoint_name": endpoint}
	if _, err := s.putDerivedTable(tx, target.catalog, target.schema, target.prefix+InferenceTableSuffix, comment, payloadCols, props); err != nil {
		return err
	}
	if exists, err := tableExistsTx(tx, target.table(predictionsTableSuffix)); err != nil || exists {
		return err
	}
	_, err := s.putDerivedTable(tx, target.catalog, target.schema, target.prefix+predictionsTableSuffix, predictionsComment(endpoint), predictionsTableColumns(), props)
	return err
}

// predictionsComment is the Unity Catalog comment of an endpoint's predictions table.
func predictionsComment(endpoint string) string {
	return fmt.Sprintf("Requests of serving endpoint %s, one row per record: features, prediction, label.", endpoint)
}

// ensureInferenceTables creates the payload and predictions tables in the
// engine and keeps Unity Catalog's entries in step: the predictions table
// is (re)registered when a feature adds a column. A feature whose type
// changed (a number where text was seen) keeps the first type.
func (s *Service) ensureInferenceTables(ctx context.Context, engine *tabledata.Engine, e ServingEndpoint, target inferenceTarget, features []tabledata.Column) error {
	payloadCols := inferenceTableColumns()
	if target.gateway {
		payloadCols = aiGatewayInferenceColumns()
	}
	if err := engine.CreateTable(ctx, target.table(InferenceTableSuffix), engineColumns(payloadCols)); err != nil {
		return err
	}
	name := target.table(predictionsTableSuffix)
	before, _ := engine.Table(name)
	cols := engineColumns(predictionsTableColumns())
	for _, f := range features {
		if existing := columnOf(before, f.Name); existing != nil {
			f.TypeText, f.TypeName = existing.TypeText, existing.TypeName
		}
		cols = append(cols, f)
	}
	if err := engine.CreateTable(ctx, name, cols); err != nil {
		return err
	}
	after, _ := engine.Table(name)
	if len(after.Columns) == len(before.Columns) {
		return nil
	}
	uc := make([]columnInfo, len(after.Columns))
	for i, c := range after.Columns {
		uc[i] = columnInfo{Name: c.Name, TypeName: c.TypeName, TypeText: c.TypeText, Nullable: ptr(true)}
	}
	return s.Store().Update(func(tx core.Tx) error {
		_, err := s.putDerivedTable(tx, target.catalog, target.schema, target.prefix+predictionsTableSuffix,
			predictionsComment(e.Name), uc,
			map[string]string{"serving_endpoint_name": e.Name})
		return err
	})
}

func columnOf(t tabledata.Table, name string) *tabledata.Column {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			return &t.Columns[i]
		}
	}
	return nil
}
