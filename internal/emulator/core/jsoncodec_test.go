package core

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// upper is a json.Marshaler on a value receiver.
type upper string

func (u upper) MarshalJSON() ([]byte, error) { return json.Marshal("U:" + string(u)) }

type codecInner struct {
	Name string            `json:"name"`
	Tags map[string]string `json:"tags,omitempty"`
}

// codecDoc has the shapes the services store and answer: embedded specs,
// omitempty, pointers, maps of any, raw JSON, Marshalers, big and
// fractional numbers, times and text that encoding/json escapes.
type codecDoc struct {
	codecInner
	ID       int64           `json:"id,string"`
	Count    int             `json:"count,omitempty"`
	Ratio    float64         `json:"ratio"`
	Big      float64         `json:"big"`
	Small    float64         `json:"small"`
	Text     string          `json:"text"`
	Next     *codecInner     `json:"next,omitempty"`
	Params   map[string]any  `json:"params"`
	Raw      json.RawMessage `json:"raw,omitempty"`
	Label    upper           `json:"label"`
	At       time.Time       `json:"at"`
	List     []string        `json:"list"`
	Empty    []string        `json:"empty,omitempty"`
	internal string
	Skipped  string `json:"-"`
}

func sampleDoc() codecDoc {
	return codecDoc{
		codecInner: codecInner{Name: "model <prod> & co", Tags: map[string]string{"z": "1", "a": "2", "m": "é\u2028"}},
		ID:         1796064420465123,
		Ratio:      0.1 + 0.2,
		Big:        1e21,
		Small:      1e-7,
		Text:       "line\nbreak \"quoted\" \\ tab\t\x01",
		Next:       &codecInner{Name: "n"},
		Params:     map[string]any{"b": []any{1.5, "x", nil, true}, "a": map[string]any{"k": 3.0}},
		Raw:        json.RawMessage(`{"kept":[1,2]}`),
		Label:      "x",
		At:         time.Date(2026, 11, 30, 18, 0, 0, 123456789, time.UTC),
		List:       []string{},
		internal:   "not encoded",
		Skipped:    "not encoded",
	}
}

// The store keeps documents with goccy/go-json for speed; what it gives
// back must be what encoding/json would: a stored document decodes to the
// value that was put, and every answer is encoding/json's bytes.
func TestCodec_storedDocumentsComeBackAsEncodingJSONsValues(t *testing.T) {
	doc := sampleDoc()
	stored, err := encodeDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var viaStore, viaStd codecDoc
	if err := decodeDoc(stored, &viaStore); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &viaStd); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaStore, viaStd) {
		t.Errorf("stored and read back:\n got %+v\nwant %+v", viaStore, viaStd)
	}
	answer, err := json.Marshal(viaStd)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	WriteJSON(rec, 200, viaStore)
	if rec.Body.String() != string(answer)+"\n" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("WriteJSON:\n got %s\nwant %s", rec.Body.String(), answer)
	}
}

func TestCodec_readsWhatEncodingJSONReads(t *testing.T) {
	raw, err := json.Marshal(sampleDoc())
	if err != nil {
		t.Fatal(err)
	}
	var want, got codecDoc
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := decodeDoc(raw, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeDoc:\n got %+v\nwant %+v", got, want)
	}
	// The store hands over memory it reuses: nothing decoded may point into it.
	buf := bytes.Clone(raw)
	var again codecDoc
	if err := decodeDoc(buf, &again); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'X'
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("decoded values changed with the input's memory:\n got %+v", again)
	}
	if err := decodeDoc([]byte(`{"ratio":"not a number"}`), &got); err == nil {
		t.Error("decodeDoc accepted a string for a number")
	}
	if _, err := encodeDoc(map[string]float64{"x": math.NaN()}); err == nil {
		t.Error("encodeDoc accepted NaN, which is not JSON")
	}
}
