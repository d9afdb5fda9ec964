# BrickOps — every developer and CI entry point. Nothing here downloads at
# run time beyond Go modules: Terraform comes from the machine's PATH.

SHELL      := /bin/bash
BIN        := $(CURDIR)/bin
GO         ?= go
TERRAFORM  ?= $(shell command -v terraform)
# An empty CLI config: tests must not depend on the developer's ~/.terraformrc.
TEST_TFRC  := $(BIN)/test.tfrc
export CHECKPOINT_DISABLE := 1

.PHONY: all build act install test unit acc docs docs-check demo bench lint fmt fuzz fidelity clean help conftest conftest-record

all: build

help:
	@echo "make build       build terraform-provider-brickops and brickops into bin/"
	@echo "make act         build act (runs the scaffolded workflows in the workflow test) into bin/"
	@echo "make install     put the provider in ~/.terraform.d/plugins, where terraform init finds it offline"
	@echo "make test        vet, unit, emulator, acceptance (TF_ACC=1), CLI and e2e tests, docs freshness"
	@echo "make demo        run the whole MLOps lifecycle against a local emulator"
	@echo "make docs        regenerate docs/ from the provider schema and examples/"
	@echo "make bench       run the benchmarks and write bench/results.json (with bin/conftest: policy ratios against it)"
	@echo "make conftest    install conftest $(CONFTEST_VERSION) into bin/ (from the Go module proxy)"
	@echo "make conftest-record  re-record conftest's verdicts for the policy compatibility suite"
	@echo "make fuzz        run every fuzz target for FUZZTIME (default 30s) each"
	@echo "make lint        gofmt, go vet, staticcheck"
	@echo "make fidelity    run the official Databricks provider and CLI against the emulator"
	@echo "                 (OFFICIAL_PROVIDER=path DATABRICKS_CLI=path; skips when absent;"
	@echo "                 FIDELITY_RECORD=dir keeps their traffic for the replay test)"

# The first build compiles the Databricks, Azure and Terraform SDKs and
# Open Policy Agent (a minute or two on a laptop); later builds are cached.
build:
	@mkdir -p $(BIN)
	@test -x $(BIN)/brickops || echo "building terraform-provider-brickops and brickops into bin/ (the first build compiles the Databricks, Azure and Terraform SDKs: a minute or two; later builds take seconds)" >&2
	$(GO) build -o $(BIN)/ . ./cmd/brickops

# act (github.com/nektos/act, a tool in go.mod) runs the scaffolded GitHub
# Actions workflows on this host in templates/workflows_test.go.
act:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/act github.com/nektos/act

# Installs this build's provider into Terraform's implied local mirror, so
# `terraform init` finds it in any directory with no CLI config. brickops
# itself runs from bin/ (put it on PATH: export PATH="$PWD/bin:$PATH").
install: build
	$(BIN)/brickops provider install --provider $(BIN)/terraform-provider-brickops

$(TEST_TFRC):
	@mkdir -p $(BIN)
	@: > $@

# Everything, as CI runs it. Acceptance tests run Terraform from PATH against
# an in-process emulator; the provider is served in-process (reattach).
test: build act $(TEST_TFRC) docs-check
	@test -n "$(TERRAFORM)" || { echo "terraform is not on PATH; install Terraform >= 1.11" >&2; exit 1; }
	$(GO) vet ./...
	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(TERRAFORM) TF_CLI_CONFIG_FILE=$(TEST_TFRC) \
	BRICKOPS_BIN=$(BIN) $(GO) test -count=1 -timeout 14m ./...

unit:
	$(GO) test -count=1 ./...

acc: build $(TEST_TFRC)
	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(TERRAFORM) TF_CLI_CONFIG_FILE=$(TEST_TFRC) $(GO) test -count=1 -timeout 14m ./provider/...

# tfplugindocs reads the schema that Terraform reports for the local build
# (through dev_overrides), so no provider or Terraform is downloaded. The
# rule reference is data, not a template: its {{secrets/…}} is escaped.
docs: build
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	printf 'provider_installation {\n  dev_overrides {\n    "brickops/brickops" = "%s"\n  }\n  direct {}\n}\n' "$(BIN)" > "$$tmp/tfrc"; \
	printf 'terraform {\n  required_providers {\n    brickops = { source = "brickops/brickops" }\n  }\n}\n' > "$$tmp/main.tf"; \
	(cd "$$tmp" && TF_CLI_CONFIG_FILE="$$tmp/tfrc" $(TERRAFORM) providers schema -json 2>/dev/null) \
	  | sed 's#"registry.terraform.io/brickops/brickops"#"brickops"#' > "$$tmp/schema.json"; \
	$(BIN)/brickops policy rules --output markdown \
	  | sed 's/{{/{{ "{{" }}/g' > docs/templates/guides/policy-rules.md.tmpl; \
	$(GO) tool tfplugindocs generate --provider-name brickops --rendered-provider-name BrickOps \
	  --providers-schema "$$tmp/schema.json" --website-source-dir docs/templates >/dev/null

# Fails when the committed docs differ from what the schema and examples give.
docs-check: build
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r docs "$$tmp/before"; $(MAKE) --no-print-directory docs; \
	if ! diff -r "$$tmp/before" docs >/dev/null; then \
	  diff -r "$$tmp/before" docs | head -40; \
	  echo "docs/ is stale: run 'make docs' and commit the result" >&2; exit 1; fi

demo: build
	@echo "running the demo: an emulator on loopback, terraform on dev, staging and prod, promotions through pull requests (about a minute)" >&2
	$(BIN)/brickops demo --bin $(BIN)

bench: build
	BRICKOPS_BIN=$(BIN) $(GO) run ./internal/bench/cmd/bench

# conftest, the tool `brickops policy check` is a drop-in for: built from the
# Go module proxy into bin/. The compatibility suite's recorded answers
# (internal/policy/testdata/compat/conftest.json) come from it; `make test`
# reads only the recording.
CONFTEST_VERSION ?= v0.71.1
$(BIN)/conftest:
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install github.com/open-policy-agent/conftest@$(CONFTEST_VERSION)

conftest: $(BIN)/conftest

conftest-record: $(BIN)/conftest
	$(GO) test ./internal/policy -run '^TestConftestCompat$$' -count=1 -conftest $(BIN)/conftest

# Each fuzz target runs for FUZZTIME; `make test` runs only their seed
# corpora. Targets are package:Function; new ones add a word here.
FUZZTIME    ?= 30s
FUZZ_TARGETS := ./internal/emulator:FuzzRequestDecoding ./internal/planjson:FuzzLoad ./internal/planjson:FuzzDecode \
                ./internal/policy:FuzzCheck ./internal/config:FuzzParse
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== $${t#*:} ($${t%%:*}) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s "$${t%%:*}"; \
	done

# The official clients are not Go modules the build can fetch: build them
# from their public source and pass their paths. Their recorded traffic
# (FIDELITY_RECORD=internal/emulator/testdata/official) is what the
# emulator's replay test keeps checking in `make test`.
OFFICIAL_PROVIDER ?=
DATABRICKS_CLI    ?=
FIDELITY_RECORD   ?=
fidelity:
	$(GO) run ./internal/fidelity/cmd/fidelity -terraform "$(TERRAFORM)" \
	  -provider "$(OFFICIAL_PROVIDER)" -cli "$(DATABRICKS_CLI)" -record "$(FIDELITY_RECORD)"

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN)
