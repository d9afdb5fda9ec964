package promote

import (
	"context"
	"fmt"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// servedEntity is the served entity that serves a pinned version: the
// mlops-env module names them v<version> (as status reads them).
func servedEntity(version int) string { return "v" + strconv.Itoa(version) }

// Analyze judges the rollout in progress in env (pin's challenger against
// its champion) with rollout.analysis, from the model endpoint's inference
// table and monitor. It returns nil when rollout.analysis is not set.
func (p *Promoter) Analyze(ctx context.Context, env config.Environment, model config.Model, pin Pin) (*analysis.Verdict, error) {
	a := p.Config.Rollout.Analysis
	if a == nil {
		return nil, nil
	}
	if pin.Challenger == 0 {
		return nil, exitcode.Refusedf("%s in %s has no rollout in progress (no challenger): nothing to analyse", model.Name, env.Name)
	}
	in := analysis.Input{
		Endpoint:  model.EndpointName(env),
		Candidate: analysis.Subject{Entity: servedEntity(pin.Challenger), Version: pin.Challenger},
		Champion:  analysis.Subject{Entity: servedEntity(pin.Version), Version: pin.Version},
	}
	if p.Observe == nil {
		in.TrafficMissing = "this promoter reads no inference tables"
		v := analysis.Analyze(*a, in)
		return &v, nil
	}
	src, err := p.Observe(env)
	if err != nil {
		return nil, err
	}
	in.Traffic, err = src.Traffic(ctx, in.Endpoint, a.WindowOrDefault())
	switch {
	case observe.IsMissing(err):
		in.TrafficMissing = err.Error()
	case err != nil:
		return nil, fmt.Errorf("reading the inference table of %s in %s: %w", in.Endpoint, env.Name, err)
	}
	in.Monitor, err = src.Monitor(ctx, in.Endpoint, a.WindowOrDefault())
	switch {
	case observe.IsMissing(err):
		in.MonitorMissing = err.Error()
	case err != nil:
		return nil, fmt.Errorf("reading the monitor of %s in %s: %w", in.Endpoint, env.Name, err)
	}
	v := analysis.Analyze(*a, in)
	return &v, nil
}

// analysisVerdict turns a verdict into Complete's error: nil to go on.
func (p *Promoter) analysisVerdict(v *analysis.Verdict, allowMissing bool) error {
	proceed := allowMissing || v != nil && p.Config.Rollout.Analysis.ProceedOnMissingData()
	switch {
	case v == nil:
		return nil
	case v.Passed(proceed):
		v.Proceeded = v.Outcome == analysis.MissingData
		return nil
	case v.Outcome == analysis.Fail:
		return ErrAnalysisFailed
	default:
		return ErrAnalysisMissingData
	}
}
