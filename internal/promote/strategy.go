package promote

import (
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// Strategy is how a promotion rolls out on the serving endpoint. Databricks
// Model Serving routes traffic between served entities by percentage
// (traffic_config.routes), which expresses recreate, blue-green, canary and
// A/B directly; it has no request mirroring, so shadow is expressed as the
// challenger served at 0 % beside the champion, evaluated from the
// endpoint's inference table.
type Strategy string

const (
	Recreate  Strategy = "recreate"
	BlueGreen Strategy = "blue-green"
	Canary    Strategy = "canary"
	AB        Strategy = "ab"
	Shadow    Strategy = "shadow"
)

// Strategies lists every strategy.
var Strategies = []Strategy{Recreate, BlueGreen, Canary, AB, Shadow}

// CanaryPercent is the challenger's share when a canary starts.
const CanaryPercent = 10

// ParseStrategy accepts a strategy name; empty means recreate.
func ParseStrategy(s string) (Strategy, error) {
	if s == "" {
		return Recreate, nil
	}
	for _, st := range Strategies {
		if string(st) == s {
			return st, nil
		}
	}
	return "", exitcode.Invalidf("unknown strategy %q (use recreate, blue-green, canary, ab or shadow)", s)
}

// Apply returns the pin after promoting candidate with strategy s, given
// the current pin (zero when the environment has none).
func (s Strategy) Apply(current Pin, candidate int) Pin {
	champion := current.Version
	if champion == 0 || champion == candidate {
		// Nothing to roll out against: the candidate takes everything.
		return Pin{Version: candidate, Strategy: s, Traffic: traffic(candidate, 100)}
	}
	switch s {
	case BlueGreen:
		return Pin{Version: candidate, Standby: champion, Strategy: s, Traffic: traffic(candidate, 100, champion, 0)}
	case Canary:
		return Pin{Version: champion, Challenger: candidate, Strategy: s, Traffic: traffic(champion, 100-CanaryPercent, candidate, CanaryPercent)}
	case AB:
		return Pin{Version: champion, Challenger: candidate, Strategy: s, Traffic: traffic(champion, 50, candidate, 50)}
	case Shadow:
		return Pin{Version: champion, Challenger: candidate, Strategy: s, Traffic: traffic(champion, 100, candidate, 0)}
	default:
		// The old champion stays registered (not served) as the standby:
		// it is what a rollback returns to, in this environment and in the
		// next one, which copies from here.
		return Pin{Version: candidate, Standby: champion, Strategy: Recreate, Traffic: traffic(candidate, 100)}
	}
}

// Complete finishes a canary, A/B or shadow rollout: the challenger becomes
// the champion with all traffic. It fails when no rollout is in progress.
func Complete(current Pin) (Pin, error) {
	if current.Challenger == 0 {
		return Pin{}, exitcode.Refusedf("no rollout in progress (strategy %s, no challenger): nothing to complete", orRecreate(current.Strategy))
	}
	return Pin{Version: current.Challenger, Standby: current.Version, Strategy: current.Strategy, Traffic: traffic(current.Challenger, 100)}, nil
}

func traffic(pairs ...int) map[string]int {
	out := map[string]int{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[strconv.Itoa(pairs[i])] = pairs[i+1]
	}
	return out
}

func orRecreate(s Strategy) Strategy {
	if s == "" {
		return Recreate
	}
	return s
}
