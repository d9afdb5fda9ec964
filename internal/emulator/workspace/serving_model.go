package workspace

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// The behaviour of a served model version: a deterministic binary
// classifier, so traffic has answers, a better-trained version answers
// better, and the rollout analysis and the monitors have something true to
// find. The rule (docs/guides/emulator.md, "Serving answers"):
//
//   - Each input record is a map of features. A number (or boolean) is
//     used as is; any other value is hashed to [0, 1).
//   - The world's truth: label(x) = 1 when Σ_f a_f·(x_f − 0.5) > 0, where
//     a_f ∈ [−1, 1] depends only on the feature's name.
//   - A model version of quality q predicts the true label, except on the
//     records it gets wrong: those whose hash with the version (model name
//     and version number) falls below 1 − q (at most 0.5). Its accuracy is
//     about q (a coin's below 0.5); the same record always gets the same
//     answer from the same version.
//   - q comes from the version's MLflow run: the last value of the first of
//     auc, roc_auc, accuracy, f1, f1_score, r2, precision, recall (higher
//     is better, clamped to [0, 1]); else 1/(1 + v) of the first of rmse,
//     mse, mae, log_loss, loss; else a value in [0.5, 0.8) from the
//     version's id. A run parameter brickops.quality overrides it.
//   - Latency: execution_time_ms = base + 1 per record, where base is the
//     run parameter brickops.latency_ms, else 10–29 ms from the version's id.
//   - Errors: the run parameter brickops.error_rate (0–1) makes that share
//     of the version's requests fail with 500, spread evenly over the
//     request sequence.

type modelBehaviour struct {
	// EntityName/EntityVersion is the model version; ID names it in hashes.
	EntityName, EntityVersion, ID string
	Quality                       float64
	LatencyMS                     int64
	ErrorRate                     float64
}

var higherIsBetter = []string{"auc", "roc_auc", "accuracy", "f1", "f1_score", "r2", "precision", "recall"}
var lowerIsBetter = []string{"rmse", "mse", "mae", "log_loss", "loss"}

// behaviourOf derives a version's behaviour from its run (nil when it has
// none).
func behaviourOf(entity, version, id string, run *MLflowRun) modelBehaviour {
	b := modelBehaviour{EntityName: entity, EntityVersion: version, ID: id}
	seed := unit(id, "quality")
	b.Quality = 0.5 + 0.3*seed
	b.LatencyMS = 10 + int64(unit(id, "latency")*20)
	if run == nil {
		return b
	}
	last := map[string]float64{}
	lastStep := map[string][2]int64{}
	for _, m := range run.Metrics {
		at := [2]int64{m.Step, m.Timestamp}
		if prev, ok := lastStep[m.Key]; !ok || at[0] > prev[0] || at[0] == prev[0] && at[1] >= prev[1] {
			last[m.Key], lastStep[m.Key] = m.Value, at
		}
	}
	found := false
	for _, k := range higherIsBetter {
		if v, ok := last[k]; ok {
			b.Quality, found = math.Max(0, math.Min(1, v)), true
			break
		}
	}
	if !found {
		for _, k := range lowerIsBetter {
			if v, ok := last[k]; ok && v >= 0 {
				b.Quality = 1 / (1 + v)
				break
			}
		}
	}
	if v, err := strconv.ParseFloat(run.Params["brickops.quality"], 64); err == nil {
		b.Quality = math.Max(0, math.Min(1, v))
	}
	if v, err := strconv.ParseInt(run.Params["brickops.latency_ms"], 10, 64); err == nil && v >= 0 {
		b.LatencyMS = v
	}
	if v, err := strconv.ParseFloat(run.Params["brickops.error_rate"], 64); err == nil {
		b.ErrorRate = math.Max(0, math.Min(1, v))
	}
	return b
}

// unit hashes its parts to [0, 1).
func unit(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return float64(h.Sum64()>>11) / float64(1<<53)
}

// featureValue reads a feature as a number.
func featureValue(v any) (float64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, true
		}
		return unit("category", x), true
	}
	raw, _ := json.Marshal(v)
	return unit("value", string(raw)), true
}

// truthWeight is a_f, the world's weight of a feature.
func truthWeight(feature string) float64 {
	w := 2*unit("truth", feature) - 1
	if math.Abs(w) < 0.2 { // no feature is irrelevant to the truth
		w = math.Copysign(0.2, w)
	}
	return w
}

// score is Σ_f w_f·(x_f − 0.5) with the given weight function.
func score(record map[string]any, weight func(string) float64) float64 {
	keys := make([]string, 0, len(record))
	for k := range record {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var z float64
	for _, k := range keys {
		if x, ok := featureValue(record[k]); ok {
			z += weight(k) * (x - 0.5)
		}
	}
	return z
}

// trueLabel is the label the world gives a record.
func trueLabel(record map[string]any) int64 {
	if score(record, truthWeight) > 0 {
		return 1
	}
	return 0
}

// predict is the version's answer for a record.
func (b modelBehaviour) predict(record map[string]any) int64 {
	label := trueLabel(record)
	raw, _ := json.Marshal(record) // map keys marshal sorted: a stable identity
	if unit("error", b.ID, string(raw)) < math.Min(0.5, 1-b.Quality) {
		return 1 - label
	}
	return label
}

// fails reports whether the version fails request number seq.
func (b modelBehaviour) fails(seq int64) bool {
	if b.ErrorRate <= 0 {
		return false
	}
	return math.Floor(float64(seq+1)*b.ErrorRate) > math.Floor(float64(seq)*b.ErrorRate)
}

// scoringInput is the body of an invocation: the MLflow scoring server's
// input formats (serving.QueryEndpointInput).
type scoringInput struct {
	ClientRequestID  string          `json:"client_request_id"`
	DataframeRecords json.RawMessage `json:"dataframe_records"`
	DataframeSplit   json.RawMessage `json:"dataframe_split"`
	Instances        json.RawMessage `json:"instances"`
	Inputs           json.RawMessage `json:"inputs"`
}

var scoringFields = []string{"dataframe_split", "dataframe_records", "instances", "inputs"}

// records parses the body into feature maps, as MLflow's scoring server
// reads its four input formats.
func parseScoringInput(raw []byte) (scoringInput, []map[string]any, error) {
	var in scoringInput
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		return in, nil, scoringError("Invalid input. Ensure that input is a valid JSON formatted string. Error: %v", err)
	}
	var present []string
	for k := range fields {
		if slices.Contains(scoringFields, k) {
			present = append(present, k)
		}
	}
	if len(present) != 1 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, "'"+k+"'")
		}
		sort.Strings(keys)
		return in, nil, scoringError("The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}. Received dictionary with input fields: [%s].", strings.Join(keys, ", "))
	}
	if v, ok := fields["client_request_id"]; ok {
		if err := json.Unmarshal(v, &in.ClientRequestID); err != nil {
			return in, nil, scoringError("client_request_id must be a string.")
		}
	}
	body := fields[present[0]]
	var records []map[string]any
	var err error
	switch present[0] {
	case "dataframe_records":
		err = decodeNumbers(body, &records)
	case "dataframe_split":
		var split struct {
			Columns []string `json:"columns"`
			Data    [][]any  `json:"data"`
		}
		if err = decodeNumbers(body, &split); err == nil {
			for i, row := range split.Data {
				if len(row) != len(split.Columns) {
					return in, nil, scoringError("dataframe_split: row %d has %d values for %d columns.", i, len(row), len(split.Columns))
				}
				rec := map[string]any{}
				for j, c := range split.Columns {
					rec[c] = row[j]
				}
				records = append(records, rec)
			}
		}
	case "instances":
		records, err = rowsOf(body)
	case "inputs":
		var columnar map[string][]any
		if decodeNumbers(body, &columnar) == nil {
			n := -1
			keys := make([]string, 0, len(columnar))
			for k, v := range columnar {
				keys = append(keys, k)
				if n >= 0 && len(v) != n {
					return in, nil, scoringError("inputs: every column must have the same number of values.")
				}
				n = len(v)
			}
			for i := 0; i < n; i++ {
				rec := map[string]any{}
				for _, k := range keys {
					rec[k] = columnar[k][i]
				}
				records = append(records, rec)
			}
		} else {
			records, err = rowsOf(body)
		}
	}
	if err != nil {
		return in, nil, scoringError("Failed to parse input from JSON (%s): %v", present[0], err)
	}
	if len(records) == 0 {
		return in, nil, scoringError("The input (%s) holds no records.", present[0])
	}
	return in, records, nil
}

// rowsOf reads instances: a list of objects, of lists (features f0, f1…)
// or of scalars (feature f0).
func rowsOf(body json.RawMessage) ([]map[string]any, error) {
	var items []any
	if err := decodeNumbers(body, &items); err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case map[string]any:
			out = append(out, x)
		case []any:
			rec := map[string]any{}
			for j, v := range x {
				rec[fmt.Sprintf("f%d", j)] = v
			}
			out = append(out, rec)
		default:
			out = append(out, map[string]any{"f0": x})
		}
	}
	return out, nil
}

func decodeNumbers(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	return dec.Decode(v)
}

// scoringError is the scoring server's 400 answer.
func scoringError(format string, args ...any) *core.APIError {
	return core.APIErr(400, "BAD_REQUEST", format, args...)
}
