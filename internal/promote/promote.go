package promote

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// ErrGatesFailed is returned (with the evidence) when validation gates fail.
var ErrGatesFailed = exitcode.Refused(errors.New("validation gates failed"))

// ErrAnalysisFailed is returned (with the evidence) when the rollout
// analysis finds the challenger worse than rollout.analysis allows.
var ErrAnalysisFailed = exitcode.Refused(errors.New("rollout analysis failed"))

// ErrAnalysisMissingData is returned (with the evidence) when there was
// too little data to judge the rollout and missing data may not proceed.
var ErrAnalysisMissingData = exitcode.Refused(errors.New("rollout analysis lacks data"))

// Promoter runs promotions for one brickops.yaml.
type Promoter struct {
	Config *config.File
	// Registry opens the registry of an environment's workspace.
	Registry func(env config.Environment) (Registry, error)
	Pins     PinStore
	// Observe opens what an environment's serving endpoints and monitors
	// recorded, for gates.monitor and the rollout analysis; nil reads
	// nothing (both then see missing data).
	Observe func(env config.Environment) (observe.Source, error)
}

// Request asks to promote a model into an environment.
type Request struct {
	Model, To string
	// Version, or else FromAlias, names the candidate in the previous
	// environment; with neither, the previous environment's alias is used
	// if set, else its newest READY version.
	Version   int
	FromAlias string
	Strategy  Strategy
	// Complete finishes a canary/A-B/shadow rollout instead, after the
	// rollout analysis (when rollout.analysis is configured) passes.
	Complete bool
	// AllowMissingData lets Complete proceed when the analysis has too
	// little data, whatever rollout.analysis.on_missing_data says.
	AllowMissingData bool
}

// Result is a decided promotion: the evidence and, unless gates failed,
// where the change was proposed.
type Result struct {
	Evidence Evidence
	Pins     Pins
	Where    string
}

// Promote resolves the candidate, runs the validation gates, computes the
// new pins and proposes them. When a gate fails it proposes nothing and
// returns ErrGatesFailed with the evidence, so no branch or PR is left.
func (p *Promoter) Promote(ctx context.Context, req Request) (*Result, error) {
	model, err := p.Config.Model(req.Model)
	if err != nil {
		return nil, err
	}
	to, _, err := p.Config.Environment(req.To)
	if err != nil {
		return nil, err
	}
	from, err := p.Config.Previous(req.To)
	if err != nil {
		return nil, err
	}
	pins, err := p.Pins.Read(ctx, to.Name)
	if err != nil {
		return nil, err
	}
	current := pins.Models[model.Name]

	fromReg, err := p.Registry(from)
	if err != nil {
		return nil, fmt.Errorf("connecting to the %s workspace: %w", from.Name, err)
	}
	var cand Candidate
	var next Pin
	if req.Complete {
		if next, err = Complete(current); err != nil {
			return nil, fmt.Errorf("%s in %s: %w", model.Name, to.Name, err)
		}
		cand, err = fromReg.Version(ctx, model.FullName(from), next.Version)
	} else {
		cand, err = p.resolveCandidate(ctx, fromReg, model, from, req)
		next = req.Strategy.Apply(current, cand.Version)
	}
	if err != nil {
		return nil, err
	}

	toReg, err := p.Registry(to)
	if err != nil {
		return nil, fmt.Errorf("connecting to the %s workspace: %w", to.Name, err)
	}
	champ, err := toReg.Alias(ctx, model.FullName(to), model.AliasOrDefault())
	if err != nil {
		return nil, err
	}
	gates, err := p.validate(ctx, to, model, to.Gates, cand, championOf(champ))
	if err != nil {
		return nil, err
	}
	ev := Evidence{Model: model, From: from, To: to, Candidate: cand, Champion: championOf(champ),
		Gates: gates, Pin: next, Approvers: to.Reviewers}
	pins.Models[model.Name] = next
	res := &Result{Evidence: ev, Pins: pins}
	if !Passed(ev.Gates) {
		return res, ErrGatesFailed
	}
	if req.Complete {
		if res.Evidence.Analysis, err = p.Analyze(ctx, to, model, current); err != nil {
			return nil, err
		}
		if err := p.analysisVerdict(res.Evidence.Analysis, req.AllowMissingData); err != nil {
			return res, err
		}
	}
	verb := "Promote"
	if req.Complete {
		verb = "Complete the rollout of"
	}
	res.Where, err = p.Pins.Propose(ctx, to.Name, pins, Proposal{
		Branch:  fmt.Sprintf("brickops/promote-%s-%s-v%d", model.Name, to.Name, cand.Version),
		Title:   ev.Title(),
		Message: fmt.Sprintf("%s %s version %d to %s (%s)", verb, model.Name, cand.Version, to.Name, next.Strategy),
		Body:    ev.Markdown(),
	})
	return res, err
}

// validate runs gates on c: Validate's checks, then gates.monitor, which
// reads the environment's monitor.
func (p *Promoter) validate(ctx context.Context, env config.Environment, model config.Model, gates config.Gates, c Candidate, champ *Champion) ([]GateResult, error) {
	out := Validate(gates, c, champ)
	if gates.Monitor == nil {
		return out, nil
	}
	r, err := p.monitorGate(ctx, env, model, c)
	if err != nil {
		return nil, err
	}
	return append(out, r), nil
}

func (p *Promoter) resolveCandidate(ctx context.Context, reg Registry, model config.Model, from config.Environment, req Request) (Candidate, error) {
	name := model.FullName(from)
	switch {
	case req.Version > 0:
		return reg.Version(ctx, name, req.Version)
	case req.FromAlias != "":
		c, err := reg.Alias(ctx, name, req.FromAlias)
		if err == nil && c == nil {
			err = exitcode.Invalidf("%s has no alias %q: pass --version, or set the alias", name, req.FromAlias)
		}
		if err != nil {
			return Candidate{}, err
		}
		return *c, nil
	}
	if c, err := reg.Alias(ctx, name, model.AliasOrDefault()); err != nil || c != nil {
		if err != nil {
			return Candidate{}, err
		}
		return *c, nil
	}
	return reg.LatestReady(ctx, name)
}

// Rollback proposes re-pinning the champion that preceded the current one,
// found in the pin file's history. Validation gates still run unless
// skipReason says why not (it is recorded in the evidence); approvals are
// always required.
func (p *Promoter) Rollback(ctx context.Context, modelName, envName, skipReason string) (*Result, error) {
	model, from, to, pins, err := p.rollbackTarget(ctx, modelName, envName)
	if err != nil {
		return nil, err
	}
	current, ok := pins.Models[model.Name]
	if !ok {
		return nil, exitcode.Refusedf("%s is not pinned in %s: nothing to roll back", model.Name, to.Name)
	}
	history, err := p.Pins.History(ctx, to.Name)
	if err != nil {
		return nil, err
	}
	previous := 0
	for _, h := range history {
		if pin, ok := h.Models[model.Name]; ok && pin.Version != current.Version {
			previous = pin.Version
			break
		}
	}
	if previous == 0 {
		return nil, exitcode.Refusedf("no earlier champion of %s in %s's pin history: nothing to roll back to", model.Name, to.Name)
	}
	cand, champ, err := p.versionAndChampion(ctx, model, from, to, previous)
	if err != nil {
		return nil, err
	}
	next := Recreate.Apply(current, previous)
	ev := Evidence{Model: model, From: from, To: to, Candidate: cand, Champion: championOf(champ), Pin: next, Approvers: to.Reviewers,
		Heading: fmt.Sprintf("Roll back %s in %s to version %d", model.Name, to.Name, previous)}
	if skipReason != "" {
		ev.SkippedValidation = skipReason
		next.SkipValidation = skipReason
		ev.Pin = next
	} else {
		// Beating the champion is beside the point when rolling back, and
		// drift in the environment is a reason to roll back, not to refuse.
		gates := to.Gates
		gates.BeatChampion, gates.Monitor = nil, nil
		ev.Gates = Validate(gates, cand, nil)
	}
	pins.Models[model.Name] = next
	res := &Result{Evidence: ev, Pins: pins}
	if !Passed(ev.Gates) {
		return res, ErrGatesFailed
	}
	res.Where, err = p.Pins.Propose(ctx, to.Name, pins, Proposal{
		Branch:  fmt.Sprintf("brickops/rollback-%s-%s-v%d", model.Name, to.Name, previous),
		Title:   ev.Title(),
		Message: fmt.Sprintf("Roll back %s in %s from version %d to %d", model.Name, to.Name, current.Version, previous),
		Body:    ev.Markdown(),
	})
	return res, err
}

// RollbackOnFailedAnalysis ends the canary, A/B or shadow rollout in
// progress in env when its analysis fails: it proposes the pin without the
// challenger (the champion back at 100 %), with the analysis as the
// evidence. It refuses when the analysis does not fail: a rollback on
// evidence needs evidence.
func (p *Promoter) RollbackOnFailedAnalysis(ctx context.Context, modelName, envName string) (*Result, error) {
	if p.Config.Rollout.Analysis == nil {
		return nil, exitcode.Invalidf("--on-failed-analysis needs rollout.analysis thresholds in %s", p.Config.Where())
	}
	model, from, to, pins, err := p.rollbackTarget(ctx, modelName, envName)
	if err != nil {
		return nil, err
	}
	current := pins.Models[model.Name]
	if current.Challenger == 0 {
		return nil, exitcode.Refusedf("%s in %s has no canary, A/B or shadow rollout in progress: nothing to roll back on an analysis", model.Name, to.Name)
	}
	kept, champ, err := p.versionAndChampion(ctx, model, from, to, current.Version)
	if err != nil {
		return nil, err
	}
	verdict, err := p.Analyze(ctx, to, model, current)
	if err != nil {
		return nil, err
	}
	next := Pin{Version: current.Version, Standby: current.Standby, Strategy: current.Strategy, Traffic: traffic(current.Version, 100)}
	ev := Evidence{Model: model, From: from, To: to, Candidate: kept, Champion: championOf(champ), Pin: next, Approvers: to.Reviewers,
		Analysis: verdict, Heading: fmt.Sprintf("Roll back the %s of %s in %s: version %d failed its rollout analysis", orRecreate(current.Strategy), model.Name, to.Name, current.Challenger)}
	pins.Models[model.Name] = next
	res := &Result{Evidence: ev, Pins: pins}
	if verdict.Outcome != analysis.Fail {
		res.Evidence.Heading = fmt.Sprintf("The %s of %s in %s: version %d's analysis does not fail", orRecreate(current.Strategy), model.Name, to.Name, current.Challenger)
		return res, exitcode.Refusedf("the rollout analysis of %s version %d in %s is %s, not a failure: nothing was proposed (complete the rollout, or roll back without --on-failed-analysis)",
			model.Name, current.Challenger, to.Name, strings.ReplaceAll(string(verdict.Outcome), "_", " "))
	}
	res.Where, err = p.Pins.Propose(ctx, to.Name, pins, Proposal{
		Branch:  fmt.Sprintf("brickops/rollback-%s-%s-v%d-analysis", model.Name, to.Name, current.Challenger),
		Title:   ev.Title(),
		Message: fmt.Sprintf("Roll back the %s of %s version %d in %s: its rollout analysis failed", orRecreate(current.Strategy), model.Name, current.Challenger, to.Name),
		Body:    ev.Markdown(),
	})
	return res, err
}

// rollbackTarget resolves what a rollback of modelName in envName works on:
// the model, the environment it copies from, the environment, its pins.
func (p *Promoter) rollbackTarget(ctx context.Context, modelName, envName string) (config.Model, config.Environment, config.Environment, Pins, error) {
	var from, to config.Environment
	model, err := p.Config.Model(modelName)
	if err != nil {
		return model, from, to, Pins{}, err
	}
	if to, _, err = p.Config.Environment(envName); err != nil {
		return model, from, to, Pins{}, err
	}
	if from, err = p.Config.Previous(envName); err != nil {
		return model, from, to, Pins{}, err
	}
	pins, err := p.Pins.Read(ctx, to.Name)
	return model, from, to, pins, err
}

// versionAndChampion reads version of the model in from and the champion
// its alias points at in to (nil when unset).
func (p *Promoter) versionAndChampion(ctx context.Context, model config.Model, from, to config.Environment, version int) (Candidate, *Candidate, error) {
	fromReg, err := p.Registry(from)
	if err != nil {
		return Candidate{}, nil, err
	}
	c, err := fromReg.Version(ctx, model.FullName(from), version)
	if err != nil {
		return Candidate{}, nil, err
	}
	toReg, err := p.Registry(to)
	if err != nil {
		return Candidate{}, nil, err
	}
	champ, err := toReg.Alias(ctx, model.FullName(to), model.AliasOrDefault())
	return c, champ, err
}
