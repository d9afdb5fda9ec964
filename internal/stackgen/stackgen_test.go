package stackgen

import (
	"regexp"
	"strings"
	"testing"
)

func TestConfig_mixesKindsRoundRobinWithPreamblesOnce(t *testing.T) {
	kinds := []Kind{
		{Type: "brickops_cluster", Block: clusterBlock},
		{Type: "brickops_thing", Preamble: []string{"locals { parent = \"p\" }\n"}, Block: func(i int) string { return "  parent = local.parent\n" }},
	}
	cfg := Config(5, kinds)
	if got := regexp.MustCompile(`(?m)^resource "brickops_cluster" "r000[024]" \{$`).FindAllString(cfg, -1); len(got) != 3 {
		t.Errorf("clusters r0000, r0002, r0004: %v\n%s", got, cfg)
	}
	if got := regexp.MustCompile(`(?m)^resource "brickops_thing" "r000[13]" \{$`).FindAllString(cfg, -1); len(got) != 2 {
		t.Errorf("things r0001, r0003: %v\n%s", got, cfg)
	}
	if n := strings.Count(cfg, "locals {"); n != 1 {
		t.Errorf("preamble written %d times", n)
	}
	if !strings.Contains(cfg, `cluster_name            = "gen-0004"`) || !strings.Contains(cfg, `provider "brickops" {}`) {
		t.Errorf("config:\n%s", cfg)
	}
}

func TestKinds_shareOneCatalog(t *testing.T) {
	cfg := Config(6, Kinds)
	if n := strings.Count(cfg, `resource "brickops_catalog" "stackgen"`); n != 1 {
		t.Errorf("catalog written %d times:\n%s", n, cfg)
	}
	for _, want := range []string{`resource "brickops_cluster" "r0003"`, `resource "brickops_schema" "r0004"`, `resource "brickops_registered_model" "r0005"`, `name         = "m0005"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
}
