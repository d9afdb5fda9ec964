package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteJSON_versionAndCommandFirst(t *testing.T) {
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"struct", struct {
			Gate string `json:"gate"`
		}{"val_auc >= 0.8"}, `{"version":1,"command":"gate","gate":"val_auc >= 0.8"}`},
		{"empty object", map[string]int{}, `{"version":1,"command":"gate"}`},
		{"encoded object", json.RawMessage("{\n  \"denied\": true\n}\n"), `{"version":1,"command":"gate","denied":true}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, "gate", c.v); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, b.Bytes()); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, b.String())
			}
			if compact.String() != c.want {
				t.Errorf("got %s, want %s", compact.String(), c.want)
			}
		})
	}
	if err := WriteJSON(&bytes.Buffer{}, "status", []int{1}); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("array payload: %v", err)
	}
}

func TestFormat_refusesUnknownFormat(t *testing.T) {
	f := NewFormat("markdown")
	if err := f.Set("yaml"); err == nil || err.Error() != "want text, json or markdown" {
		t.Errorf("Set(yaml) = %v", err)
	}
	if err := f.Set("json"); err != nil || !f.JSON() || f.String() != "json" {
		t.Errorf("Set(json) = %v, %q", err, f)
	}
}
