package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPRComment_masksPlantedSecretsInEveryOutput plants secrets in the
// variables Actions treats as secrets and in --mask, posts a body that
// quotes each, and greps every place the command's output goes — stdout,
// stderr, the posted comment, the job summary — for any of them.
func TestPRComment_masksPlantedSecretsInEveryOutput(t *testing.T) {
	e, c := ciEnv(t)
	secrets := map[string]string{
		"GITHUB_TOKEN":                   e.Token,
		"DATABRICKS_TOKEN":               "dapi-planted-0123456789abcdef",
		"ARM_CLIENT_SECRET":              `planted~secret"with\quote`,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "planted-actions-request-token",
	}
	for k, v := range secrets {
		if k != "GITHUB_TOKEN" {
			t.Setenv(k, v)
		}
	}
	const flagged = "planted-by-flag-987"
	var body strings.Builder
	body.WriteString("## Report\n")
	for k, v := range secrets {
		body.WriteString("- " + k + " = " + v + "\n")
	}
	body.WriteString("- flag: " + flagged + "\n")
	bodyFile := filepath.Join(t.TempDir(), "body.md")
	if err := os.WriteFile(bodyFile, []byte(body.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "", "pr", "comment", "--key", "masked", "--body-file", bodyFile, "--mask", flagged)
	if code != 0 {
		t.Fatalf("pr comment: exit %d\n%s%s", code, stdout, stderr)
	}
	stdin, stdinErr, code := run(t, body.String(), "pr", "comment", "--key", "masked-stdin", "--mask", flagged)
	if code != 0 {
		t.Fatalf("pr comment from stdin: exit %d\n%s%s", code, stdin, stdinErr)
	}
	comments := prComments(t, c)
	if len(comments) != 2 {
		t.Fatalf("%d comments posted", len(comments))
	}
	outputs := map[string]string{"stdout": stdout + stdin, "stderr": stderr + stdinErr, "comment": comments[0], "comment from stdin": comments[1]}
	if summary, err := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY")); err == nil {
		outputs["job summary"] = string(summary)
	}
	for where, text := range outputs {
		for k, v := range secrets {
			if strings.Contains(text, v) {
				t.Errorf("%s contains the value of %s", where, k)
			}
		}
		if strings.Contains(text, flagged) {
			t.Errorf("%s contains the --mask value", where)
		}
	}
	for _, cm := range comments {
		if strings.Count(cm, "***") != len(secrets)+1 {
			t.Errorf("want each secret replaced by ***:\n%s", cm)
		}
	}
}
