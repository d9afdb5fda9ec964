package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/markdown"
	"github.com/brickops/terraform-provider-brickops/internal/output"
)

// Helpers the CI commands share: argument checks, the --output flag and
// report, and the GitHub Actions job summary. Exit statuses are
// internal/exitcode's.

// minArgs requires at least n arguments, as a usage error.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return exitcode.Invalidf("%s: missing %s (see %s --help)", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

// outputFlag registers --output (-o) on a reporting command: text and
// json, then the formats the command adds.
func outputFlag(cmd *cobra.Command, extra ...string) *output.Format {
	f := output.NewFormat(extra...)
	cmd.Flags().VarP(f, "output", "o", "output format: "+f.Choices())
	return f
}

// report writes a command's result: the versioned JSON document when
// --output json was asked for, otherwise what text writes.
func report(cmd *cobra.Command, format *output.Format, v any, text func(io.Writer)) error {
	w := cmd.OutOrStdout()
	if format.JSON() {
		return output.WriteJSON(w, commandName(cmd), v)
	}
	text(w)
	return nil
}

// commandName is the command's path without the program name, as the JSON
// documents name it ("policy check").
func commandName(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
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
	// The job summary is public to whoever can read the run: mask secrets
	// as the comment and log masking do.
	md = []byte(github.NewMasker(os.Getenv).Mask(string(md)))
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
