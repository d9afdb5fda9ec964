// Package stackgen writes Terraform configurations of N mixed BrickOps
// resources: the provider-scale benchmarks apply them at N = 100 and 1,000,
// the reliability suite at a handful.
package stackgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kind is one resource type the generator mixes in.
type Kind struct {
	// Type is the Terraform resource type, e.g. brickops_cluster.
	Type string
	// Preamble are HCL blocks written once when the kind is used at all:
	// shared parents such as the catalog that generated schemas live in.
	// Kinds share a parent by listing the same block.
	Preamble []string
	// Block returns the body of instance i (without the resource line).
	Block func(i int) string
}

// The kinds the generator knows.
var (
	Cluster         = Kind{Type: "brickops_cluster", Block: clusterBlock}
	Schema          = Kind{Type: "brickops_schema", Preamble: []string{catalogBlock}, Block: schemaBlock}
	RegisteredModel = Kind{Type: "brickops_registered_model", Preamble: []string{catalogBlock, modelSchemaBlock}, Block: registeredModelBlock}
)

// Kinds are mixed round-robin: resource i is of kind Kinds[i%len(Kinds)].
// A new resource family adds its Kind above and one entry here.
var Kinds = []Kind{Cluster, Schema, RegisteredModel}

// Config returns a configuration of n resources named r0000, r0001, …
// mixed over kinds, with the provider block (credentials come from
// DATABRICKS_HOST / DATABRICKS_TOKEN).
func Config(n int, kinds []Kind) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    brickops = { source = \"brickops/brickops\" }\n  }\n}\n\nprovider \"brickops\" {}\n")
	written := map[string]bool{}
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		for _, block := range k.Preamble {
			if !written[block] {
				written[block] = true
				b.WriteString("\n" + block)
			}
		}
		fmt.Fprintf(&b, "\nresource %q %q {\n%s}\n", k.Type, Name(i), k.Block(i))
	}
	return b.String()
}

// Name is the Terraform name of resource i.
func Name(i int) string { return fmt.Sprintf("r%04d", i) }

// Write writes Config(n, kinds) as main.tf in dir.
func Write(dir string, n int, kinds []Kind) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(Config(n, kinds)), 0o644); err != nil {
		return fmt.Errorf("writing the generated configuration: %w", err)
	}
	return nil
}

// clusterBlock is a small fixed-size cluster; sizes vary so that
// resources are not all alike.
func clusterBlock(i int) string {
	return fmt.Sprintf(`  cluster_name            = "gen-%04d"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = %d
  autotermination_minutes = 30
  custom_tags = {
    generated = "stackgen"
  }
`, i, i%3)
}

// The catalog and schema the generated Unity Catalog objects live in.
// force_destroy lets destroy remove the catalog whatever order Terraform
// picks.
const (
	catalogBlock = `resource "brickops_catalog" "stackgen" {
  name          = "stackgen"
  force_destroy = true
}
`
	modelSchemaBlock = `resource "brickops_schema" "stackgen_models" {
  catalog_name = brickops_catalog.stackgen.name
  name         = "models"
}
`
)

func schemaBlock(i int) string {
	return fmt.Sprintf(`  catalog_name = brickops_catalog.stackgen.name
  name         = "s%04d"
  comment      = "generated"
`, i)
}

func registeredModelBlock(i int) string {
	return fmt.Sprintf(`  catalog_name = brickops_catalog.stackgen.name
  schema_name  = brickops_schema.stackgen_models.name
  name         = "m%04d"
`, i)
}
