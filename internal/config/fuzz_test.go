package config

import "testing"

// FuzzParse feeds arbitrary documents to the brickops.yaml parser: it
// returns a configuration or a one-line error, never a panic. `make test`
// runs the seeds; `make fuzz` explores.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"environments:\n  dev:\n    catalog: dev\n  prod:\n    catalog: prod\n",
		"policy:\n  rules:\n    cluster-autotermination:\n      severity: error\n      max_minutes: 60\n",
		"environments: [1, 2]\n",
		"models:\n  - name: churn\n    gates:\n      metrics:\n        auc: \">= 0.8\"\n",
		"a: &a [*a]\n",
		"{{{{",
		"waivers:\n  - rule: x\n    expires: not-a-date\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, err := Parse(raw); err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
	})
}
