package promote

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPins_roundTripAndLayout(t *testing.T) {
	path := PinPath(t.TempDir(), "staging")
	p := Pins{Models: map[string]Pin{"churn": Canary.Apply(Pin{Version: 3}, 7)}}
	if err := WritePins(path, p); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	want := `{
  "models": {
    "churn": {
      "version": 3,
      "challenger": 7,
      "strategy": "canary",
      "traffic": {
        "3": 90,
        "7": 10
      }
    }
  }
}
`
	if string(raw) != want {
		t.Errorf("pin file:\n%s\nwant:\n%s", raw, want)
	}
	back, err := ReadPins(path)
	if err != nil || !reflect.DeepEqual(back, p) {
		t.Errorf("read back %+v, %v", back, err)
	}
	if missing, err := ReadPins(filepath.Join(t.TempDir(), "none.json")); err != nil || len(missing.Models) != 0 {
		t.Errorf("missing file: %+v %v", missing, err)
	}
}

func TestPins_handEditedIntoInvalid(t *testing.T) {
	cases := map[string]struct{ content, want string }{
		"broken JSON":     {"{\n  \"models\": {\n    \"churn\": {\"version\": 3,}\n  }\n}\n", "invalid JSON at line 3, column 29"},
		"unknown field":   {`{"models": {"churn": {"version": 3, "verison": 4}}}`, `unknown field "verison"`},
		"zero version":    {`{"models": {"churn": {"version": 0}}}`, `model "churn": version must be a positive version number`},
		"bad total":       {`{"models": {"churn": {"version": 3, "challenger": 4, "traffic": {"3": 80, "4": 10}}}}`, "traffic percentages sum to 90, not 100"},
		"stranger in map": {`{"models": {"churn": {"version": 3, "traffic": {"3": 50, "9": 50}}}}`, "traffic names version 9"},
		"bad strategy":    {`{"models": {"churn": {"version": 3, "strategy": "yolo"}}}`, `unknown strategy "yolo"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "models.auto.tfvars.json")
			os.WriteFile(path, []byte(tc.content), 0o644)
			_, err := ReadPins(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want it to name the file and contain %q", err, tc.want)
			}
		})
	}
}

func TestStrategies(t *testing.T) {
	current := Pin{Version: 3, Strategy: Recreate, Traffic: map[string]int{"3": 100}}
	cases := []struct {
		s    Strategy
		want Pin
	}{
		{Recreate, Pin{Version: 7, Standby: 3, Strategy: Recreate, Traffic: map[string]int{"7": 100}}},
		{BlueGreen, Pin{Version: 7, Standby: 3, Strategy: BlueGreen, Traffic: map[string]int{"7": 100, "3": 0}}},
		{Canary, Pin{Version: 3, Challenger: 7, Strategy: Canary, Traffic: map[string]int{"3": 90, "7": 10}}},
		{AB, Pin{Version: 3, Challenger: 7, Strategy: AB, Traffic: map[string]int{"3": 50, "7": 50}}},
		{Shadow, Pin{Version: 3, Challenger: 7, Strategy: Shadow, Traffic: map[string]int{"3": 100, "7": 0}}},
	}
	for _, tc := range cases {
		got := tc.s.Apply(current, 7)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.s, got, tc.want)
		}
		if err := got.validate(); err != nil {
			t.Errorf("%s gives an invalid pin: %v", tc.s, err)
		}
	}
	// The first promotion has nothing to roll out against.
	if got := Canary.Apply(Pin{}, 7); got.Version != 7 || got.Challenger != 0 || got.Traffic["7"] != 100 {
		t.Errorf("first canary: %+v", got)
	}
	done, err := Complete(Canary.Apply(current, 7))
	if err != nil || !reflect.DeepEqual(done, Pin{Version: 7, Standby: 3, Strategy: Canary, Traffic: map[string]int{"7": 100}}) {
		t.Errorf("complete: %+v %v", done, err)
	}
	if _, err := Complete(current); err == nil || !strings.Contains(err.Error(), "no rollout in progress") {
		t.Errorf("complete without a rollout: %v", err)
	}
	if _, err := ParseStrategy("big-bang"); err == nil || !strings.Contains(err.Error(), "use recreate, blue-green, canary, ab or shadow") {
		t.Errorf("bad strategy: %v", err)
	}
}
