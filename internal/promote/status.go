package promote

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// StatusRow is one model in one environment: what git pins and what the
// workspace runs.
type StatusRow struct {
	Model string `json:"model"`
	Env   string `json:"env"`
	// Pinned is the pin in git (zero when the model is not pinned there).
	Pinned Pin `json:"pinned"`
	// LiveVersion is the version the alias points at in the workspace and
	// LiveSource the version it was copied from (0 when unknown).
	LiveVersion int `json:"live_version"`
	LiveSource  int `json:"live_source"`
	// Endpoint and LiveTraffic are the serving endpoint and its live split
	// (served entity → percentage); empty when the model is not served.
	Endpoint    string         `json:"endpoint,omitempty"`
	LiveTraffic map[string]int `json:"live_traffic,omitempty"`
	Drift       string         `json:"drift,omitempty"`
}

// Status reports every configured model in env (every environment when env
// is empty).
func (p *Promoter) Status(ctx context.Context, env string) ([]StatusRow, error) {
	var rows []StatusRow
	for i, e := range p.Config.Environments {
		if env != "" && e.Name != env {
			continue
		}
		pins, err := p.Pins.Read(ctx, e.Name)
		if err != nil {
			return nil, err
		}
		reg, err := p.Registry(e)
		if err != nil {
			return nil, fmt.Errorf("connecting to the %s workspace: %w", e.Name, err)
		}
		for _, m := range p.Config.Models {
			row := StatusRow{Model: m.Name, Env: e.Name, Pinned: pins.Models[m.Name]}
			live, err := reg.Alias(ctx, m.FullName(e), m.AliasOrDefault())
			if err != nil {
				return nil, err
			}
			if live != nil {
				row.LiveVersion = live.Version
				row.LiveSource = championOf(live).SourceVersion
			}
			row.Endpoint = m.EndpointName(e)
			if row.LiveTraffic, err = reg.Traffic(ctx, row.Endpoint); err != nil {
				return nil, err
			}
			row.Drift = drift(row, i == 0)
			rows = append(rows, row)
		}
	}
	if env != "" && len(rows) == 0 && len(p.Config.Models) > 0 {
		if _, _, err := p.Config.Environment(env); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func drift(r StatusRow, first bool) string {
	switch {
	case first:
		return "" // the first environment is fed by training, not pins
	case r.Pinned.Version == 0 && r.LiveVersion == 0:
		return ""
	case r.Pinned.Version == 0:
		return fmt.Sprintf("alias set (version %d) but nothing pinned in git", r.LiveVersion)
	case r.LiveVersion == 0:
		return "pinned but not applied: the alias is not set"
	case r.LiveSource != r.Pinned.Version:
		return fmt.Sprintf("git pins source version %d, the workspace runs a copy of %d: apply pending or changed by hand", r.Pinned.Version, r.LiveSource)
	case r.LiveTraffic != nil && len(r.Pinned.Traffic) > 0:
		// The module names served entities v<source version>.
		want := map[string]int{}
		for v, pct := range r.Pinned.Traffic {
			want["v"+v] = pct
		}
		if !maps.Equal(want, r.LiveTraffic) {
			return fmt.Sprintf("serving split %v differs from the pinned %v", r.LiveTraffic, want)
		}
	}
	return ""
}

// StatusTable renders rows for a terminal.
func StatusTable(rows []StatusRow) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "MODEL\tENV\tPINNED\tROLLOUT\tLIVE ALIAS\tSERVING\tDRIFT\n")
	for _, r := range rows {
		pinned, rollout, live := "–", "–", "–"
		if r.Pinned.Version > 0 {
			pinned = fmt.Sprintf("v%d", r.Pinned.Version)
			rollout = trafficText(r.Pinned)
		}
		if r.LiveVersion > 0 {
			live = fmt.Sprintf("v%d", r.LiveVersion)
			if r.LiveSource > 0 {
				live += fmt.Sprintf(" (copy of v%d)", r.LiveSource)
			}
		}
		d := r.Drift
		if d == "" {
			d = "none"
		}
		serving := "–"
		if len(r.LiveTraffic) > 0 {
			var parts []string
			for _, name := range slices.Sorted(maps.Keys(r.LiveTraffic)) {
				parts = append(parts, fmt.Sprintf("%s %d%%", name, r.LiveTraffic[name]))
			}
			serving = r.Endpoint + ": " + strings.Join(parts, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Model, r.Env, pinned, rollout, live, serving, d)
	}
	tw.Flush()
	return b.String()
}

func trafficText(p Pin) string {
	if len(p.Traffic) == 0 {
		return string(orRecreate(p.Strategy))
	}
	var parts []string
	for _, v := range slices.Sorted(maps.Keys(p.Traffic)) {
		parts = append(parts, fmt.Sprintf("v%s %d%%", v, p.Traffic[v]))
	}
	return fmt.Sprintf("%s: %s", orRecreate(p.Strategy), strings.Join(parts, ", "))
}
