package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The README tells the truth: its quick start is exactly make demo and make
// test, make demo works, and every brickops command it lists exists.
func TestReadme_quickStartAndCommands(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	quick := regexp.MustCompile("(?s)## Quick start\\s+```sh\\n(.*?)```").FindStringSubmatch(readme)
	if quick == nil || strings.TrimSpace(quick[1]) != "make demo\nmake test" {
		t.Fatalf("the quick start must be exactly `make demo` and `make test`, got %q", quick)
	}
	bin := os.Getenv("BRICKOPS_BIN")
	if bin == "" {
		t.Skip("BRICKOPS_BIN is set by make; run through make test")
	}
	for _, m := range regexp.MustCompile("`brickops ([a-z]+(?: [a-z]+)?)`").FindAllStringSubmatch(readme, -1) {
		args := append(strings.Fields(m[1]), "--help")
		out, err := exec.Command(bin+"/brickops", args...).CombinedOutput()
		if err != nil || strings.Contains(string(out), "unknown command") {
			t.Errorf("README mentions `brickops %s`, which fails: %v\n%s", m[1], err, out)
		}
	}
	// -o build: use the binaries make test built; rebuilding them here
	// would swap them under the other test packages running meanwhile.
	cmd := exec.Command("make", "-o", "build", "demo")
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Demo finished in") {
		t.Errorf("make demo: %v\n%s", err, out)
	}
}
