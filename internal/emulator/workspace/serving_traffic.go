package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Operator endpoints that make serving traffic and its ground truth, for
// tests and the demo (docs/guides/emulator.md, "Serving traffic"):
//
//	POST /_emulator/serving-endpoints/{name}/traffic
//	  {"requests": 200, "shift": 0.5, "seed": 7, "label_fraction": 1,
//	   "features": ["x1", "x2", "x3"], "categorical": {"segment": ["a", "b", "c"]}}
//
// sends requests (1–10000) through the same path as the invocations API
// (routing, shadows, rate limits, inference tables), one record each. A
// numeric feature is drawn from N(0.5 + 0.3·shift, 0.15²); a categorical
// one picks its i-th value with weight exp(shift·i), so shift 0 is the
// training distribution and a shift of 1 moves every feature by two
// standard deviations — drift on purpose. label_fraction (default 1) of
// the records get their true label (serving_model.go) in the predictions
// table's label column. The seed defaults to the batch's number, so
// batches differ and a rerun on a fresh emulator repeats them.
//
//	POST /_emulator/serving-endpoints/{name}/labels
//	  {"labels": [{"databricks_request_id": "…", "label": 1}, {"client_request_id": "…", "label": 0}]}
//
// records ground truth that arrives later, by request id.

const maxTrafficRequests = 10000

type trafficRequest struct {
	Requests      int                 `json:"requests"`
	Shift         float64             `json:"shift"`
	Seed          *uint64             `json:"seed"`
	LabelFraction *float64            `json:"label_fraction"`
	Features      []string            `json:"features"`
	Categorical   map[string][]string `json:"categorical"`
}

// trafficReport is the generator's answer.
type trafficReport struct {
	Requests       int            `json:"requests"`
	Succeeded      int            `json:"succeeded"`
	Failed         int            `json:"failed"`
	RateLimited    int            `json:"rate_limited"`
	Labelled       int            `json:"labelled"`
	ByServedEntity map[string]int `json:"by_served_entity"`
	Seed           uint64         `json:"seed"`
}

func (s *Service) generateTraffic(r *http.Request) (any, error) {
	var req trafficRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Requests < 1 || req.Requests > maxTrafficRequests {
		return nil, core.InvalidParam("requests must be between 1 and %d, got %d.", maxTrafficRequests, req.Requests)
	}
	if math.IsNaN(req.Shift) || math.Abs(req.Shift) > 100 {
		return nil, core.InvalidParam("shift must be a number between -100 and 100, got %v.", req.Shift)
	}
	fraction := 1.0
	if req.LabelFraction != nil {
		fraction = *req.LabelFraction
	}
	if fraction < 0 || fraction > 1 {
		return nil, core.InvalidParam("label_fraction must be between 0 and 1, got %v.", fraction)
	}
	if len(req.Features) == 0 && len(req.Categorical) == 0 {
		req.Features = []string{"x1", "x2", "x3"}
		req.Categorical = map[string][]string{"segment": {"a", "b", "c"}}
	}
	seen := map[string]bool{}
	for _, f := range req.Features {
		if f == "" || seen[f] || reservedPredictionColumn(f) {
			return nil, core.InvalidParam("Feature '%s' is empty, repeated or a reserved column of the predictions table.", f)
		}
		seen[f] = true
	}
	categories := make([]string, 0, len(req.Categorical))
	for f, values := range req.Categorical {
		if f == "" || seen[f] || reservedPredictionColumn(f) || len(values) == 0 {
			return nil, core.InvalidParam("Categorical feature '%s' is empty, repeated, reserved or has no values.", f)
		}
		seen[f] = true
		categories = append(categories, f)
	}
	sort.Strings(categories)
	name := r.PathValue("name")
	if _, err := s.liveEndpoint(name); err != nil {
		return nil, err
	}
	traffic := s.live().serving
	traffic.mu.Lock()
	traffic.generated[name]++
	seed := uint64(traffic.generated[name])
	traffic.mu.Unlock()
	if req.Seed != nil {
		seed = *req.Seed
	}
	rng := rand.New(rand.NewPCG(seed, 0x62726963_6b6f7073))
	report := trafficReport{Requests: req.Requests, ByServedEntity: map[string]int{}, Seed: seed}
	for i := 0; i < req.Requests; i++ {
		record := map[string]any{}
		for _, f := range req.Features {
			record[f] = math.Round((0.5+0.3*req.Shift+0.15*rng.NormFloat64())*1e4) / 1e4
		}
		for _, f := range categories {
			record[f] = pickCategory(rng, req.Categorical[f], req.Shift)
		}
		body, _ := json.Marshal(map[string]any{"dataframe_records": []any{record}})
		var label *int64
		if rng.Float64() < fraction {
			l := trueLabel(record)
			label = &l
		}
		answer, err := s.invokeWithLabels(r.Context(), name, body, []*int64{label})
		var apiError *core.APIError
		switch {
		case errors.As(err, &apiError) && apiError.Status == http.StatusTooManyRequests:
			report.RateLimited++
			continue
		case err != nil:
			return nil, err
		}
		report.ByServedEntity[answer.entity.Name]++
		if answer.status == http.StatusOK {
			report.Succeeded++
		} else {
			report.Failed++
		}
		if label != nil {
			report.Labelled++
		}
	}
	return report, nil
}

// pickCategory draws values[i] with weight exp(shift·i).
func pickCategory(rng *rand.Rand, values []string, shift float64) string {
	var total float64
	weights := make([]float64, len(values))
	for i := range values {
		weights[i] = math.Exp(shift * float64(i))
		total += weights[i]
	}
	x := rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return values[i]
		}
		x -= w
	}
	return values[len(values)-1]
}

type labelInput struct {
	DatabricksRequestID string          `json:"databricks_request_id"`
	ClientRequestID     string          `json:"client_request_id"`
	Label               json.RawMessage `json:"label"`
}

func (s *Service) postLabels(r *http.Request) (any, error) {
	var req struct {
		Labels []labelInput `json:"labels"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if len(req.Labels) == 0 {
		return nil, core.InvalidParam("Missing required field: labels (at least one label).")
	}
	type update struct {
		match string
		id    string
		label int64
	}
	updates := make([]update, len(req.Labels))
	for i, l := range req.Labels {
		var u update
		switch {
		case l.DatabricksRequestID != "" && l.ClientRequestID != "":
			return nil, core.InvalidParam("labels[%d] names both databricks_request_id and client_request_id; name one.", i)
		case l.DatabricksRequestID != "":
			u.match, u.id = "databricks_request_id", l.DatabricksRequestID
		case l.ClientRequestID != "":
			u.match, u.id = "client_request_id", l.ClientRequestID
		default:
			return nil, core.InvalidParam("labels[%d] needs databricks_request_id or client_request_id.", i)
		}
		var n json.Number
		if err := json.Unmarshal(l.Label, &n); err != nil {
			var str string
			if json.Unmarshal(l.Label, &str) != nil {
				return nil, core.InvalidParam("labels[%d].label must be a whole number (a class), got %s.", i, orNull(l.Label))
			}
			n = json.Number(str)
		}
		v, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, core.InvalidParam("labels[%d].label must be a whole number (a class), got %s.", i, orNull(l.Label))
		}
		u.label = v
		updates[i] = u
	}
	e, err := s.liveEndpoint(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	targets := inferenceTargets(e)
	if len(targets) == 0 {
		return nil, core.InvalidState("Endpoint '%s' has no inference table (enable auto_capture_config or the AI Gateway's inference_table_config): labels have nowhere to go.", e.Name)
	}
	engine, err := s.tables()
	if err != nil {
		return nil, err
	}
	var updated int64
	for _, target := range targets {
		table := target.table(predictionsTableSuffix)
		if _, ok := engine.Table(table); !ok {
			continue
		}
		for _, u := range updates {
			n, err := engine.Update(r.Context(), table, map[string]any{u.match: u.id}, map[string]any{"label": u.label})
			if err != nil {
				return nil, fmt.Errorf("recording labels of endpoint %s: %w", e.Name, err)
			}
			updated += n
		}
	}
	return map[string]any{"updated": updated}, nil
}

func orNull(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	return string(raw)
}
