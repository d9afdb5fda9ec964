// Package demo runs the BrickOps lifecycle end to end against a local
// emulator — what `make demo` shows a new user — and narrates it: scaffold
// a repository with `brickops init`, apply its environments, train, promote
// dev → staging → prod through reviewed pull requests on the emulated
// GitHub, then close the monitoring loop (loop.go): traffic, drift,
// retraining, a canary judged from the inference table, a worse canary
// refused and rolled back; check status and drift, destroy.
//
// Every step goes through what a user's CI runs: the brickops binary (the
// emulator as a separate process, init, promote, gate, status, rollback),
// terraform with the locally built provider installed from a filesystem
// mirror (so `terraform init` works offline), and HTTP for what people do
// in the GitHub UI (approve, merge).
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// Options configure a demo run.
type Options struct {
	// BinDir holds terraform-provider-brickops and brickops.
	BinDir string
	// Terraform is the terraform binary; empty means the one on PATH.
	Terraform string
	// AsyncDelay is the emulator's transition time: long enough to show
	// real waiting, short enough to keep the demo brisk.
	AsyncDelay time.Duration
	// Keep leaves the estate and the emulator up at the end instead of
	// destroying them, prints the console's URL, and stops the emulator
	// only once Hold returns; the work directory (repository, state, logs)
	// stays in place.
	Keep bool
	// Hold runs, with Keep, once the demo finished while the emulator is
	// still up. Nil waits until ctx is done (Ctrl-C).
	Hold func(ctx context.Context, k Kept) error
	Out  io.Writer
}

// Kept is the emulator a Keep run leaves up.
type Kept struct {
	// ConsoleURL is the emulator console; it takes OperatorToken.
	ConsoleURL, OperatorToken string
	// Host and Token reach the workspace API.
	Host, Token string
	// WorkDir holds the repository, state, logs and emulator data.
	WorkDir string
}

// waitForInterrupt is the default Hold: until the user stops the demo.
func waitForInterrupt(ctx context.Context, _ Kept) error {
	<-ctx.Done()
	return nil
}

const (
	org, repoName, model = "acme", "mlops", "churn"
	// servingAPIKey is the credential the endpoints read from their secret
	// scope; in a real repository it is a GitHub environment secret.
	servingAPIKey = "demo-serving-api-key"
)

var envs = []string{"dev", "staging", "prod"}

// result is one line of the final table.
type result struct {
	step, outcome string
	took          time.Duration
}

type run struct {
	opts    Options
	bin     string
	work    string
	repo    string
	logFile *os.File
	emu     *emuproc.Process
	tf      tfcli.Terraform
	env     []string
	results []result
	n       int
	pr      int
	// retrainRun is the job run brickops drift --retrain started, and
	// retrained the version it registered.
	retrainRun int64
	retrained  int
}

// steps is the number of narrated steps, for the [n/N] counter.
const steps = 14

// Run executes the demo and returns an error naming the step that failed.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Terraform == "" {
		if opts.Terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("terraform is not on PATH: install Terraform >= 1.11 and retry")
		}
	}
	for _, b := range []string{"brickops", "terraform-provider-brickops"} {
		if _, err := os.Stat(filepath.Join(opts.BinDir, b)); err != nil {
			return fmt.Errorf("%s not found in %s: run `make build` first", b, opts.BinDir)
		}
	}
	binDir, err := filepath.Abs(opts.BinDir)
	if err != nil {
		return err
	}
	r := &run{opts: opts, bin: filepath.Join(binDir, "brickops")}
	if r.work, err = os.MkdirTemp("", "brickops-demo-"); err != nil {
		return err
	}
	r.repo = filepath.Join(r.work, repoName)
	if r.logFile, err = os.Create(filepath.Join(r.work, "demo.log")); err != nil {
		return err
	}
	defer func() {
		if r.emu != nil {
			if stopErr := r.emu.Stop(); stopErr != nil && err == nil {
				err = stopErr
			}
		}
		r.logFile.Close()
		if err != nil {
			fmt.Fprintf(opts.Out, "\nThe demo failed. Full log: %s\n", r.logFile.Name())
			return
		}
		if !opts.Keep {
			os.RemoveAll(r.work)
		}
	}()
	start := time.Now()
	fmt.Fprintf(opts.Out, "BrickOps demo: an MLOps lifecycle on a laptop, against the local emulator (no cloud, no account)\n")
	fmt.Fprintf(opts.Out, "Work directory: %s\n\n", r.work)

	tfrc := filepath.Join(r.work, "terraform.rc")
	if err := tfcli.WriteMirror(tfrc, filepath.Join(r.work, "providers"), binDir, "0.1.0"); err != nil {
		return err
	}
	for _, s := range []demoStep{
		{"Start the emulator", func(ctx context.Context) (string, error) { return r.startEmulator(ctx, tfrc) }},
		{"Scaffold the repository (brickops init) and close the loop in brickops.yaml", r.scaffold},
		{"Publish it on GitHub (emulated)", r.publish},
		{"terraform apply dev, staging, prod", r.applyAll},
		{"Train in dev: run 1 registers version 1", func(ctx context.Context) (string, error) { return r.train(ctx, 0.84) }},
		{"Promote version 1 to staging", func(ctx context.Context) (string, error) {
			return r.promote(ctx, "staging", []string{"--version", "1"}, "alice")
		}},
		{"Promote staging's champion to prod", func(ctx context.Context) (string, error) {
			return r.promote(ctx, "prod", nil, "carol", "dan")
		}},
		{"Live traffic: prod serves, the scheduled monitor refresh profiles it", r.liveTraffic},
		{"Distribution shift: the monitor finds drift, brickops drift --retrain retrains", r.shiftAndRetrain},
		{"Promote the retrained version to staging", func(ctx context.Context) (string, error) {
			return r.promote(ctx, "staging", []string{"--version", fmt.Sprint(r.retrained)}, "alice")
		}},
		{"Canary in prod: the retrained version gets live traffic, the analysis judges it, complete", r.canaryJudged},
		{"A worse version: its canary is refused by the analysis and rolled back", r.worseCanary},
		{"brickops status and brickops drift", r.status},
		r.lastStep(),
	} {
		if err := r.step(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.Out, "\nWhat happened:\n")
	tw := tabwriter.NewWriter(opts.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  STEP\tOUTCOME\tTIME\n")
	for _, res := range r.results {
		fmt.Fprintf(tw, "  %s\t%s\t%.1f s\n", res.step, firstLine(res.outcome), res.took.Seconds())
	}
	tw.Flush()
	took := time.Since(start)
	if opts.Keep {
		if err := r.hold(ctx); err != nil {
			return err
		}
	}
	emu := r.emu
	r.emu = nil
	if err := emu.Stop(); err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "\nDemo finished in %.1f s: %d pull requests, every promotion gated and applied, the emulator stopped cleanly.\n",
		took.Seconds(), r.pr)
	return nil
}

// demoStep is one narrated step.
type demoStep struct {
	name string
	fn   func(context.Context) (string, error)
}

// lastStep destroys the estate, or with Keep leaves it for the console.
func (r *run) lastStep() demoStep {
	if r.opts.Keep {
		return demoStep{"Keep the estate for the console (--keep)", func(context.Context) (string, error) {
			return "terraform destroy skipped: dev, staging and prod stay up", nil
		}}
	}
	return demoStep{"terraform destroy prod, staging, dev", r.destroyAll}
}

// hold prints where the kept emulator is and waits for Hold.
func (r *run) hold(ctx context.Context) error {
	k := Kept{
		ConsoleURL: r.emu.Host + "/_console/", OperatorToken: r.emu.OperatorToken,
		Host: r.emu.Host, Token: r.emu.Token, WorkDir: r.work,
	}
	fmt.Fprintf(r.opts.Out, "\nThe emulator keeps running (--keep). Look at what happened in the console:\n")
	fmt.Fprintf(r.opts.Out, "  console:         %s\n", k.ConsoleURL)
	fmt.Fprintf(r.opts.Out, "  operator token:  %s   (the console's login)\n", k.OperatorToken)
	fmt.Fprintf(r.opts.Out, "  workspace API:   export DATABRICKS_HOST=%s DATABRICKS_TOKEN=%s\n", k.Host, k.Token)
	fmt.Fprintf(r.opts.Out, "  work directory:  %s\n", k.WorkDir)
	fmt.Fprintf(r.opts.Out, "Press Ctrl-C to stop the emulator.\n")
	hold := r.opts.Hold
	if hold == nil {
		hold = waitForInterrupt
	}
	if err := hold(ctx, k); err != nil {
		return fmt.Errorf("while the emulator was kept up: %w", err)
	}
	return nil
}

// step runs fn, printing a numbered line with its outcome and duration.
func (r *run) step(ctx context.Context, name string, fn func(context.Context) (string, error)) error {
	r.n++
	fmt.Fprintf(r.opts.Out, "[%d/%d] %s ... ", r.n, steps, name)
	fmt.Fprintf(r.logFile, "\n===== %s\n", name)
	t0 := time.Now()
	outcome, err := fn(ctx)
	took := time.Since(t0)
	if err != nil {
		fmt.Fprintf(r.opts.Out, "FAILED\n      %v\n", err)
		return fmt.Errorf("demo step %q: %w", name, err)
	}
	fmt.Fprintf(r.opts.Out, "%s (%.1f s)\n", indent(outcome), took.Seconds())
	r.results = append(r.results, result{step: name, outcome: outcome, took: took})
	return nil
}

func (r *run) startEmulator(ctx context.Context, tfrc string) (string, error) {
	emu, err := emuproc.Start(ctx, emuproc.Options{
		Bin: r.bin, DataDir: filepath.Join(r.work, "emulator"), AsyncDelay: r.opts.AsyncDelay, Stderr: r.logFile,
	})
	if err != nil {
		return "", err
	}
	r.emu = emu
	r.env = append(emu.Env(tfrc), "GITHUB_TOKEN="+emu.Token, "GITHUB_REPOSITORY="+org+"/"+repoName,
		"GITHUB_API_URL="+emu.Host+"/github/", "GITHUB_ACTIONS=", "GITHUB_EVENT_PATH=", "GITHUB_STEP_SUMMARY=",
		// What CI takes from the GitHub environment's SERVING_API_KEY secret.
		"TF_VAR_serving_api_key="+servingAPIKey)
	r.tf = tfcli.Terraform{Bin: r.opts.Terraform, Env: r.env, Log: r.logFile}
	return "listening on " + emu.Host, nil
}

func (r *run) scaffold(ctx context.Context) (string, error) {
	out, err := r.brickops(ctx, r.work, "init", r.repo, "--org", org, "--model", model, "--emulator")
	if err != nil {
		return "", err
	}
	configured, err := r.configureLoop()
	if err != nil {
		return "", err
	}
	// The count line; init's next steps follow it.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " written, ") {
			return strings.TrimSpace(line) + "\n" + configured, nil
		}
	}
	return lastLine(out) + "\n" + configured, nil
}

// publish creates acme/mlops with the scaffold on its main branch and the
// reviewer teams brickops.yaml names.
func (r *run) publish(ctx context.Context) (string, error) {
	if err := r.call(ctx, "POST", "/_emulator/github/repos", emulator.GitHubRepoSeed{Owner: org, Name: repoName}, nil); err != nil {
		return "", err
	}
	files := map[string]*string{}
	err := filepath.WalkDir(r.repo, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_override.tf") {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(r.repo, p)
		content := string(raw)
		files[filepath.ToSlash(rel)] = &content
		return err
	})
	if err != nil {
		return "", err
	}
	if err := r.call(ctx, "POST", "/_emulator/github/repos/"+org+"/"+repoName+"/commits",
		emulator.GitHubPush{Message: "Scaffold with brickops init", Files: files}, nil); err != nil {
		return "", err
	}
	for team, members := range map[string][]string{"ml-reviewers": {"alice"}, "ml-platform": {"carol", "dan"}} {
		if err := r.call(ctx, "PUT", "/_emulator/github/orgs/"+org+"/teams/"+team, map[string]any{"members": members}, nil); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s/%s: %d files on main; teams %s/ml-reviewers (alice), %s/ml-platform (carol, dan)", org, repoName, len(files), org, org), nil
}

// applyAll applies the three environments at once, as their CI jobs would
// for a change to the shared module: each has its own state and names.
func (r *run) applyAll(ctx context.Context) (string, error) {
	return r.eachEnv(ctx, envs, func(ctx context.Context, tf tfcli.Terraform, env string) (string, error) {
		return r.apply(ctx, tf, env, true)
	})
}

// eachEnv runs fn for every environment concurrently, each with its own
// log buffer (copied into the demo log in order once all are done), and
// joins the outcomes as "env: outcome; ...".
func (r *run) eachEnv(ctx context.Context, names []string, fn func(context.Context, tfcli.Terraform, string) (string, error)) (string, error) {
	outcomes := make([]string, len(names))
	logs := make([]bytes.Buffer, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, env := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tf := r.tf
			tf.Log = &logs[i]
			outcomes[i], errs[i] = fn(ctx, tf, env)
		}()
	}
	wg.Wait()
	var parts []string
	for i, env := range names {
		fmt.Fprintf(r.logFile, "----- %s\n%s", env, logs[i].Bytes())
		if errs[i] != nil {
			return "", fmt.Errorf("%s: %w", env, errs[i])
		}
		parts = append(parts, env+": "+outcomes[i])
	}
	return strings.Join(parts, "; "), nil
}

// apply runs init (once) and apply in env, then checks a plan right after
// is empty.
// The promotions' applies skip that plan: the closing step's brickops
// drift plans every environment once, which says the same.
func (r *run) apply(ctx context.Context, tf tfcli.Terraform, env string, verify bool) (string, error) {
	dir := filepath.Join(r.repo, "environments", env)
	if _, err := os.Stat(filepath.Join(dir, ".terraform")); err != nil {
		if _, err := tf.Run(ctx, dir, "init", "-input=false", "-no-color"); err != nil {
			return "", err
		}
	}
	out, err := tf.Run(ctx, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return "", err
	}
	if !verify {
		return applySummary(out), nil
	}
	if _, err := tf.Run(ctx, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		return "", fmt.Errorf("the plan right after apply in %s is not empty: %w", env, err)
	}
	return applySummary(out) + ", then an empty plan", nil
}

func (r *run) train(ctx context.Context, auc float64) (string, error) {
	out, err := r.brickops(ctx, r.work, "emulator", "seed", "--host", r.emu.Host, "--token", r.emu.Token,
		"--model", "dev.ml."+model, "--metric", fmt.Sprintf("val_auc=%g", auc), "--tag", "validation_status=passed")
	if err != nil {
		return "", err
	}
	return lastLine(out), nil
}

// promote opens the promotion PR, shows the gate refusing it, has the
// reviewers approve, passes the gate, merges and applies — the whole
// reviewed path of one promotion.
func (r *run) promote(ctx context.Context, env string, args []string, approvers ...string) (string, error) {
	out, err := r.brickops(ctx, r.repo, append([]string{"promote", model, "--to", env, "--open-pr"}, args...)...)
	if err != nil {
		return "", err
	}
	return r.review(ctx, env, lastLine(out), approvers)
}

func (r *run) review(ctx context.Context, env, proposed string, approvers []string) (string, error) {
	pr, err := r.pullNumber(proposed)
	if err != nil {
		return "", err
	}
	if _, err := r.brickops(ctx, r.repo, "gate", "--env", env, "--pr", pr); err == nil {
		return "", fmt.Errorf("the gate passed PR #%s before anyone approved it", pr)
	}
	for _, u := range approvers {
		if err := r.call(ctx, "POST", "/_emulator/github/repos/"+org+"/"+repoName+"/pulls/"+pr+"/reviews",
			emulator.GitHubReviewSeed{User: u, State: "APPROVED"}, nil); err != nil {
			return "", err
		}
	}
	if _, err := r.brickops(ctx, r.repo, "gate", "--env", env, "--pr", pr); err != nil {
		return "", fmt.Errorf("gate after approval by %v: %w", approvers, err)
	}
	return r.mergeAndApply(ctx, env, pr, "refused by the gate, approved by "+strings.Join(approvers, " and "))
}

// mergeApproved takes a pull request the gate passes without approvals
// (one that promotes no version, such as ending a canary) through the
// gate, merge and apply.
func (r *run) mergeApproved(ctx context.Context, env, proposed string) (string, error) {
	pr, err := r.pullNumber(proposed)
	if err != nil {
		return "", err
	}
	if _, err := r.brickops(ctx, r.repo, "gate", "--env", env, "--pr", pr); err != nil {
		return "", fmt.Errorf("gate on PR #%s, which promotes no version: %w", pr, err)
	}
	return r.mergeAndApply(ctx, env, pr, "passed by the gate (it promotes no version)")
}

var pullRe = regexp.MustCompile(`/pull/(\d+)$`)

// pullNumber reads the number of the pull request a command proposed
// (issues share the numbering, so it is read, not predicted) and counts it.
func (r *run) pullNumber(proposed string) (string, error) {
	m := pullRe.FindStringSubmatch(proposed)
	if m == nil {
		return "", fmt.Errorf("expected a pull request URL, got %q", proposed)
	}
	r.pr++
	return m[1], nil
}

// mergeAndApply merges pull request pr, pulls env's pins and applies them.
func (r *run) mergeAndApply(ctx context.Context, env, pr, how string) (string, error) {
	if err := r.call(ctx, "PUT", "/github/repos/"+org+"/"+repoName+"/pulls/"+pr+"/merge", map[string]any{}, nil); err != nil {
		return "", err
	}
	if err := r.pull(ctx, env); err != nil {
		return "", err
	}
	summary, err := r.apply(ctx, r.tf, env, false)
	if err != nil {
		return "", err
	}
	pins, err := os.ReadFile(filepath.Join(r.repo, "environments", env, "models.auto.tfvars.json"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("PR #%s %s, merged, applied (%s); pins %s", pr, how, summary, compactPins(pins)), nil
}

// pull brings env's merged pin file into the checkout, as git pull would.
func (r *run) pull(ctx context.Context, env string) error {
	var file struct {
		Content string `json:"content"`
	}
	path := "environments/" + env + "/models.auto.tfvars.json"
	if err := r.call(ctx, "GET", "/github/repos/"+org+"/"+repoName+"/contents/"+path+"?ref=main", nil, &file); err != nil {
		return err
	}
	raw, err := decodeBase64(file.Content)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.repo, filepath.FromSlash(path)), raw, 0o644)
}

func (r *run) status(ctx context.Context) (string, error) {
	out, err := r.brickops(ctx, r.repo, "status")
	if err != nil {
		return "", err
	}
	if strings.Contains(out, "pinned but not applied") || strings.Contains(out, "apply pending") {
		return "", fmt.Errorf("status reports drift after every apply:\n%s", out)
	}
	// Terraform drift and model drift in every environment at once: the
	// workspaces match what was applied, and the monitor is calm again.
	drift, err := r.eachEnv(ctx, envs, func(ctx context.Context, _ tfcli.Terraform, env string) (string, error) {
		if _, err := r.brickops(ctx, r.repo, "drift", "--env", env); err != nil {
			return "", fmt.Errorf("brickops drift --env %s: %w", env, err)
		}
		return "no drift", nil
	})
	if err != nil {
		return "", err
	}
	return "git and the workspaces agree; brickops drift (Terraform and models): " + drift + "\n" + strings.TrimRight(out, "\n"), nil
}

// destroyAll destroys the environments at once: a promoted version is a
// copy, so no environment's state depends on another's.
func (r *run) destroyAll(ctx context.Context) (string, error) {
	return r.eachEnv(ctx, []string{"prod", "staging", "dev"}, func(ctx context.Context, tf tfcli.Terraform, env string) (string, error) {
		out, err := tf.Run(ctx, filepath.Join(r.repo, "environments", env), "destroy", "-auto-approve", "-input=false", "-no-color")
		if err != nil {
			return "", err
		}
		return destroySummary(out), nil
	})
}

// brickops runs the brickops binary in dir with the demo's environment.
func (r *run) brickops(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Dir = dir
	cmd.Env = r.env
	var buf bytes.Buffer
	// One writer for both streams: exec then copies them through one pipe,
	// in the order the command wrote them. Two writers meant two goroutines
	// writing buf at once, and a refusal on stderr could land before the
	// JSON on stdout.
	out := io.MultiWriter(&buf, r.logFile)
	cmd.Stdout, cmd.Stderr = out, out
	fmt.Fprintf(r.logFile, "$ brickops %s\n", strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return buf.String(), fmt.Errorf("brickops %s: %v\n%s", args[0], err, tfcli.Tail(buf.String(), 15))
	}
	return buf.String(), nil
}

// call is an HTTP call to the emulator, failing on any non-2xx answer.
func (r *run) call(ctx context.Context, method, path string, body, out any) error {
	status, err := r.emu.Call(ctx, method, path, body, out)
	if err == nil && (status < 200 || status > 299) {
		err = fmt.Errorf("%s %s answered %d", method, path, status)
	}
	return err
}

var (
	applyRe   = regexp.MustCompile(`Resources: (\d+) added, (\d+) changed, (\d+) destroyed`)
	destroyRe = regexp.MustCompile(`Resources: (\d+) destroyed`)
)

func applySummary(out string) string {
	if m := applyRe.FindStringSubmatch(out); m != nil {
		return fmt.Sprintf("%s added, %s changed, %s destroyed", m[1], m[2], m[3])
	}
	return "no changes"
}

func destroySummary(out string) string {
	if m := destroyRe.FindStringSubmatch(out); m != nil {
		return m[1] + " destroyed"
	}
	return "nothing to destroy"
}

// compactPins renders a pin file on one line for the narrative.
func compactPins(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return strings.TrimSpace(string(raw))
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func firstLine(s string) string {
	s = strings.TrimLeft(s, "\n")
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 110 {
		line = line[:107] + "..."
	}
	return line
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n      ") }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
