package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/markdown"
)

// Helpers the CI commands share: exit statuses, argument checks, and the
// GitHub Actions job summary.

// inputError marks a usage or input error (exit status 2): bad flags or
// arguments, a file that is not what it should be, an invalid configuration.
func inputError(err error) error { return &exitError{code: 2, err: err} }

// minArgs requires at least n arguments, as a usage error.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return inputError(fmt.Errorf("%s: missing %s (see %s --help)", cmd.CommandPath(), what, cmd.CommandPath()))
		}
		return nil
	}
}

// stepSummaryChars keeps a step's job summary under GitHub's 1 MiB cap
// (a larger one is dropped whole): 4 bytes per character at most.
const stepSummaryChars = 1 << 18

// appendStepSummary appends markdown to the job summary file GitHub
// Actions names in GITHUB_STEP_SUMMARY, when there is one.
func appendStepSummary(md []byte) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	if cut, truncated := markdown.Truncate(string(md), stepSummaryChars, func(total int) string {
		return fmt.Sprintf("Truncated to fit GitHub's 1 MiB job summary limit (the full text has %d characters); run the command locally for all of it.", total)
	}); truncated {
		md = []byte(cut)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing the job summary: %w", err)
	}
	_, werr := f.Write(append(md, '\n'))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("writing the job summary %s: %w", path, werr)
	}
	return nil
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}
