package main

import (
	"maps"
	"testing"
)

func TestQuietUnseenLogs_followsWhatTerraformShows(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"no TF_LOG: nothing is shown, nothing is logged", map[string]string{},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_BRICKOPS": "OFF"}},
		{"TF_LOG=DEBUG", map[string]string{"TF_LOG": "DEBUG"},
			map[string]string{"TF_LOG": "DEBUG", "TF_LOG_SDK": "DEBUG", "TF_LOG_SDK_PROTO": "DEBUG", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_BRICKOPS": "DEBUG"}},
		{"TF_LOG_PROVIDER wins; a level the user set stays", map[string]string{"TF_LOG": "ERROR", "TF_LOG_PROVIDER": "INFO", "TF_LOG_SDK_PROTO": "TRACE"},
			map[string]string{"TF_LOG": "ERROR", "TF_LOG_PROVIDER": "INFO", "TF_LOG_SDK": "INFO", "TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_SDK_FRAMEWORK": "INFO", "TF_LOG_PROVIDER_BRICKOPS": "INFO"}},
		{"TF_LOG=JSON is TRACE", map[string]string{"TF_LOG": "json"},
			map[string]string{"TF_LOG": "json", "TF_LOG_SDK": "TRACE", "TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_SDK_FRAMEWORK": "TRACE", "TF_LOG_PROVIDER_BRICKOPS": "TRACE"}},
	} {
		env := maps.Clone(c.env)
		quietUnseenLogs(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			func(k, v string) error { env[k] = v; return nil })
		if !maps.Equal(env, c.want) {
			t.Errorf("%s: %v, want %v", c.name, env, c.want)
		}
	}
}

func TestCollectLessOften_unlessTheUserSetsGOGC(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want int // -2: not set
	}{
		{"GOGC unset: the provider's target", map[string]string{}, gcPercent},
		{"GOGC set: the user's (the runtime already applied it)", map[string]string{"GOGC": "50"}, -2},
		{"GOGC=off stays off", map[string]string{"GOGC": "off"}, -2},
	} {
		got := -2
		collectLessOften(func(k string) (string, bool) { v, ok := c.env[k]; return v, ok },
			func(p int) int { got = p; return 100 })
		if got != c.want {
			t.Errorf("%s: set %d, want %d", c.name, got, c.want)
		}
	}
}
