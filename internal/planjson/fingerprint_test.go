package planjson

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestFingerprintBindsToWhatThePlanDoes: two plans of the same change have
// the same fingerprint (their timestamps differ); a plan that does anything
// else differs, and the difference names each address.
func TestFingerprintBindsToWhatThePlanDoes(t *testing.T) {
	w, path := realPlan(t)
	reviewed, err := Load(path, "prod")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load(w.PlanJSON(t, "again/prod.json"), "prod")
	if err != nil {
		t.Fatal(err)
	}
	if reviewed.Timestamp == "" {
		t.Fatal("the plan has no timestamp: the test no longer shows timestamps are ignored")
	}
	fr, fa := FingerprintOf(reviewed), FingerprintOf(again)
	if fr.Hash != fa.Hash || len(fa.Diff(fr)) != 0 {
		t.Fatalf("an identical re-plan has another fingerprint: %s vs %s: %v", fr.Hash, fa.Hash, fa.Diff(fr))
	}
	if len(fr.Changes) != 5 || fr.Changes["terraform_data.deleted"][:7] != "delete:" {
		t.Errorf("changes: %v", fr.Changes)
	}

	// Something else changed since the review: another value for one
	// resource, one more resource, one no longer planned.
	w.Write(t, map[string]string{"main.tf": `
variable "secret" {
  type      = string
  sensitive = true
  default   = "` + secret + `-v2"
}
resource "terraform_data" "updated" { input = "three" }
resource "terraform_data" "replaced" {
  input            = "x"
  triggers_replace = ["v2"]
}
resource "terraform_data" "created" { input = "hello" }
resource "terraform_data" "extra" { input = "surprise" }
resource "terraform_data" "secret" { input = var.secret }
resource "terraform_data" "deleted" { input = "bye" }
`})
	changed, err := Load(w.PlanJSON(t, "changed/prod.json"), "prod")
	if err != nil {
		t.Fatal(err)
	}
	diff := FingerprintOf(changed).Diff(fr)
	want := []string{
		"terraform_data.deleted: delete in the reviewed plan, no longer planned",
		"terraform_data.extra: create, not in the reviewed plan",
		"terraform_data.updated: update with different values than reviewed",
	}
	if strings.Join(diff, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(diff, "\n"), strings.Join(want, "\n"))
	}
}

// TestFingerprintInTheComment: the markdown summary carries each
// environment's fingerprint, the gate finds it again, and no sensitive
// value reaches it.
func TestFingerprintInTheComment(t *testing.T) {
	_, path := realPlan(t)
	staging, err := Load(path, "staging")
	if err != nil {
		t.Fatal(err)
	}
	prod, err := Load(path, "prod")
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	Summarize([]*Plan{staging, prod}, func(string) bool { return false }).WriteMarkdown(&md)
	if strings.Contains(md.String(), secret) {
		t.Fatal("a sensitive value reached the comment")
	}
	got, err := FindFingerprint(md.String(), "prod")
	if err != nil {
		t.Fatal(err)
	}
	if want := FingerprintOf(prod); got.Hash != want.Hash || got.Env != "prod" || len(got.Changes) != len(want.Changes) {
		t.Errorf("found %+v, want %+v", got, want)
	}
	if !strings.Contains(md.String(), "plan `"+got.Short()+"`") {
		t.Errorf("the summary does not show the plan hash:\n%s", md.String())
	}
	if _, err := FindFingerprint(md.String(), "dev"); !errors.Is(err, ErrNoFingerprint) {
		t.Errorf("dev: %v", err)
	}
}
