package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
)

func newPRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pr",
		Short: "Work with the pull request of the current workflow run",
	}
	cmd.AddCommand(newPRCommentCmd())
	return cmd
}

func newPRCommentCmd() *cobra.Command {
	var (
		pr       int
		bodyFile string
		key      string
		masks    []string
	)
	cmd := &cobra.Command{
		Use:   "comment",
		Short: "Create or update this tool's comment on the pull request",
		Long: `Posts the body (from --body-file, or stdin) as a pull request comment, or
edits the comment posted by an earlier run: each comment starts with a hidden
marker (<!-- brickops:KEY -->), so re-runs update instead of piling up.
Bodies over GitHub's 65,536-character limit are truncated with a note.

The values of GITHUB_TOKEN, DATABRICKS_TOKEN, ARM_CLIENT_SECRET,
ACTIONS_ID_TOKEN_REQUEST_TOKEN and of every --mask are replaced by *** before
the body is posted, as Actions does in logs.

Reads the Actions environment: GITHUB_TOKEN, GITHUB_REPOSITORY,
GITHUB_API_URL (GitHub Enterprise Server, or the BrickOps emulator's
<emulator>/github/), and the pull request number from GITHUB_EVENT_PATH
unless --pr is given.`,
		Example: `  brickops plan summarize prod.json -o markdown | brickops pr comment --key plan
  brickops pr comment --pr 12 --body-file report.md --key policy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := github.EnvFrom(os.Getenv)
			if err != nil {
				return exitcode.Invalid(err)
			}
			for _, v := range masks {
				env.Mask.Add(v)
			}
			if pr == 0 {
				if pr, err = github.PullRequestNumber(env.EventPath); err != nil {
					return exitcode.Invalid(err)
				}
			}
			body, err := readBody(cmd.InOrStdin(), bodyFile)
			if err != nil {
				return exitcode.Invalid(err)
			}
			client, err := github.NewClient(env, nil)
			if err != nil {
				return exitcode.Invalid(err)
			}
			res, err := github.UpsertComment(cmd.Context(), client, env.Owner, env.Repo, pr, key, body)
			if err != nil {
				return err
			}
			verb := "updated"
			if res.Created {
				verb = "created"
			}
			note := ""
			if res.Truncated {
				note = " (truncated to GitHub's 65,536-character limit)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s comment %d on %s/%s#%d: %s%s\n", verb, res.ID, env.Owner, env.Repo, pr, res.URL, note)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&pr, "pr", 0, "pull request number (default: from GITHUB_EVENT_PATH)")
	f.StringVar(&bodyFile, "body-file", "", "file holding the comment body (default: stdin)")
	f.StringArrayVar(&masks, "mask", nil, "a secret value to replace with *** in the posted body (repeatable), besides the tokens in the environment")
	f.StringVar(&key, "key", "brickops", "which BrickOps comment to upsert (e.g. plan, policy): one comment per key")
	return cmd
}

func readBody(stdin io.Reader, path string) (string, error) {
	var raw []byte
	var err error
	if path != "" {
		raw, err = os.ReadFile(path)
	} else {
		raw, err = io.ReadAll(stdin)
		path = "stdin"
	}
	if err != nil {
		return "", fmt.Errorf("reading the comment body: %w", err)
	}
	if strings.TrimSpace(string(raw)) == "" {
		return "", errors.New("the comment body (" + path + ") is empty")
	}
	return string(raw), nil
}
