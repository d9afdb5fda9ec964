package bench

import (
	"fmt"
	"io"
	"strconv"
)

// A Goal is a target a figure is held to: the performance issue's goals,
// checked after a run so that a reader need not work each one out from the
// figures. An emulator goal names the floor (floor.go) of the same
// measurement: when the floor misses too, the host at that moment is the
// limit rather than the emulator, and the verdict says so.
type Goal struct {
	What   string
	Figure string
	// Op compares the figure to Limit: "<", "≤" or "≥".
	Op    string
	Limit float64
	// Floor is the figure of the same measurement against the host's floor,
	// if the benchmark takes one.
	Floor string
}

// Goals are checked in this order after every run.
var Goals = []Goal{
	{What: "plan of 1,000 at the SDK's 15 rps: calls per resource", Figure: "provider_scale_n1000_plan_rate_limited_calls_per_resource", Op: "≤", Limit: 0.1},
	{What: "plan of 1,000 at the SDK's 15 rps, time vs one GET per object", Figure: "provider_scale_n1000_plan_rate_limited_vs_per_object_get", Op: "≤", Limit: 0.2},
	{What: "plan of 1,000, rate limit lifted, time vs one GET per object", Figure: "provider_scale_n1000_plan_vs_per_object_get", Op: "<", Limit: 1},
	{What: "destroy of 1,000, time vs before batched refresh", Figure: "provider_scale_n1000_destroy_vs_before", Op: "≤", Limit: 0.5},
	{What: "durable writes at 32 clients", Figure: "emulator_write_c32_throughput", Op: "≥", Limit: 5000, Floor: "floor_write_c32_throughput"},
	{What: "durable write p99 at 32 clients", Figure: "emulator_write_c32_p99", Op: "<", Limit: 5, Floor: "floor_write_c32_p99"},
	{What: "durable write p99 at an offered 5k/s", Figure: "emulator_write_c32_at5000_p99", Op: "<", Limit: 5, Floor: "floor_write_c32_at5000_p99"},
	{What: "GET at 32 clients", Figure: "emulator_get_c32_throughput", Op: "≥", Limit: 30000, Floor: "floor_get_c32_throughput"},
	{What: "GET p99 at 32 clients", Figure: "emulator_get_c32_p99", Op: "<", Limit: 5, Floor: "floor_get_c32_p99"},
	{What: "GET p99 at an offered 30k/s", Figure: "emulator_get_c32_at30000_p99", Op: "<", Limit: 5, Floor: "floor_get_c32_at30000_p99"},
	{What: "lost answers: objects outside state", Figure: "lost_answers_objects_outside_state", Op: "≤", Limit: 0},
	{What: "lost answers: duplicates", Figure: "lost_answers_duplicates", Op: "≤", Limit: 0},
}

// Verdict is one goal checked against one run's figures.
type Verdict struct {
	Goal
	// Measured is false when the run did not produce the figure (-only,
	// -sizes): then Met and the values mean nothing.
	Measured bool
	Met      bool
	Value    float64
	Unit     string
	// FloorMeasured and FloorMet describe the floor's figure, if any.
	FloorMeasured bool
	FloorMet      bool
	FloorValue    float64
}

// Check holds results to goals.
func Check(goals []Goal, results []Result) []Verdict {
	byName := make(map[string]Result, len(results))
	for _, r := range results {
		byName[r.Name] = r
	}
	verdicts := make([]Verdict, 0, len(goals))
	for _, g := range goals {
		v := Verdict{Goal: g}
		if r, ok := byName[g.Figure]; ok {
			v.Measured, v.Met, v.Value, v.Unit = true, g.holds(r.Value), r.Value, r.Unit
		}
		if r, ok := byName[g.Floor]; ok && g.Floor != "" {
			v.FloorMeasured, v.FloorMet, v.FloorValue = true, g.holds(r.Value), r.Value
		}
		verdicts = append(verdicts, v)
	}
	return verdicts
}

func (g Goal) holds(v float64) bool {
	switch g.Op {
	case "<":
		return v < g.Limit
	case "≤":
		return v <= g.Limit
	case "≥":
		return v >= g.Limit
	}
	panic("bench: goal " + g.Figure + " has no operator " + g.Op)
}

// WriteVerdicts prints one `GOAL <met|missed|unmeasured> …` line per
// verdict and returns how many goals were measured and met.
func WriteVerdicts(w io.Writer, verdicts []Verdict) (measured, met int) {
	for _, v := range verdicts {
		if !v.Measured {
			fmt.Fprintf(w, "GOAL unmeasured %s (%s not in this run)\n", v.What, v.Figure)
			continue
		}
		measured++
		state := "missed"
		if v.Met {
			state, met = "met", met+1
		}
		line := fmt.Sprintf("GOAL %s %s: %s %s, goal %s", state, v.What, format(v.Value), v.Unit, v.Op+" "+format(v.Limit))
		if v.FloorMeasured {
			floor := "meets it"
			switch {
			case !v.FloorMet && !v.Met:
				floor = "misses it too"
			case !v.FloorMet:
				floor = "misses it"
			}
			line += fmt.Sprintf("; floor %s %s, %s", format(v.FloorValue), v.Unit, floor)
		}
		fmt.Fprintln(w, line)
	}
	return measured, met
}

func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
