package github

import (
	"slices"
	"testing"
)

func TestCodeOwners(t *testing.T) {
	co := ParseCodeOwners(".github/CODEOWNERS", []byte(`# Default owners
*                         @acme/platform
*.rego                    @acme/security
/environments/staging/    @acme/ml-reviewers @alice
/environments/prod/       @acme/ml-platform  # two approvals
docs/**/*.md              @writer ops@example.com
/environments/prod/README.md
`))
	cases := map[string][]string{
		"environments/staging/models.auto.tfvars.json": {"acme/ml-reviewers", "alice"},
		"environments/prod/models.auto.tfvars.json":    {"acme/ml-platform"},
		"environments/prod/README.md":                  nil, // a rule without owners unsets them
		"policies/mlops.rego":                          {"acme/security"},
		"docs/guides/x/intro.md":                       {"writer"},
		"modules/mlops-env/main.tf":                    {"acme/platform"},
		"environments/staging":                         {"acme/platform"}, // the directory rule needs a path below it
	}
	for file, want := range cases {
		if got := co.Owners(file); !slices.Equal(got, want) {
			t.Errorf("owners of %s = %v, want %v", file, got, want)
		}
	}
}
