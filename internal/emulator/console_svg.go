package emulator

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// The console's charts, drawn as inline SVG on the server: a stacked bar for
// a traffic split and a line chart for series over time. No chart library
// and no script: the page works (and prints) as rendered, and the JSON twin
// carries the same numbers.

// consolePalette are the series colours, distinguishable in light and dark
// themes and for the common colour-vision deficiencies (Okabe–Ito).
var consolePalette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// TrafficShare is one served entity's share of an endpoint's traffic.
type TrafficShare struct {
	Name    string `json:"name"`
	Percent int    `json:"percent"`
}

// svgTrafficBar draws a split as one horizontal bar, a segment per share.
func svgTrafficBar(shares []TrafficShare) template.HTML {
	const w, h = 400.0, 28.0
	var b strings.Builder
	var label []string
	for _, s := range shares {
		label = append(label, fmt.Sprintf("%s %d%%", s.Name, s.Percent))
	}
	title := "Traffic split: " + strings.Join(label, ", ")
	if len(shares) == 0 {
		title = "No traffic routes"
	}
	fmt.Fprintf(&b, `<svg class="bar" viewBox="0 0 %g %g" role="img" aria-label="%s" preserveAspectRatio="none"><title>%s</title>`, w, h, html.EscapeString(title), html.EscapeString(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%g" height="%g" fill="#e5e7eb"/>`, w, h)
	x := 0.0
	for i, s := range shares {
		sw := w * float64(s.Percent) / 100
		if sw <= 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="%g" fill="%s"><title>%s</title></rect>`,
			x, sw, h, consolePalette[i%len(consolePalette)], html.EscapeString(fmt.Sprintf("%s: %d%%", s.Name, s.Percent)))
		x += sw
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Chart is a set of series over time, with an optional threshold line. The
// monitoring and serving pages are lists of charts: a new metric is one
// more Chart.
type Chart struct {
	Title string `json:"title"`
	Unit  string `json:"unit,omitempty"`
	// Source says where the numbers come from.
	Source    string        `json:"source,omitempty"`
	Series    []ChartSeries `json:"series"`
	Threshold *float64      `json:"threshold,omitempty"`
}

// ChartSeries is one line.
type ChartSeries struct {
	Name   string       `json:"name"`
	Points []ChartPoint `json:"points"`
}

// ChartPoint is a value at a time (unix milliseconds).
type ChartPoint struct {
	T int64   `json:"t"`
	V float64 `json:"v"`
}

// svgLineChart draws c: time on x, value on y, a legend, and the threshold
// as a dashed line. A single point per series is drawn as a dot.
func svgLineChart(c Chart) template.HTML {
	const (
		w                = 560.0
		left, right, top = 52.0, 12.0, 12.0
	)
	// The legend below the plot takes a row per three series.
	bottom := 30.0 + 14*float64(max(1, (len(c.Series)+2)/3))
	h := 176 + bottom
	minT, maxT := int64(math.MaxInt64), int64(math.MinInt64)
	maxV := 0.0
	n := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			minT, maxT = min(minT, p.T), max(maxT, p.T)
			maxV = max(maxV, p.V)
			n++
		}
	}
	if c.Threshold != nil {
		maxV = max(maxV, *c.Threshold)
	}
	var b strings.Builder
	desc := c.Title
	if c.Unit != "" {
		desc += " (" + c.Unit + ")"
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s"><title>%s</title>`, w, h, html.EscapeString(desc), html.EscapeString(desc))
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle" font-size="13" fill="currentColor">no data yet</text></svg>`, w/2, h/2)
		return template.HTML(b.String())
	}
	if maxV <= 0 {
		maxV = 1
	}
	maxV = niceCeil(maxV * 1.1)
	if maxT == minT {
		minT, maxT = minT-30_000, maxT+30_000
	}
	pw, ph := w-left-right, h-top-bottom
	x := func(t int64) float64 { return left + pw*float64(t-minT)/float64(maxT-minT) }
	y := func(v float64) float64 { return top + ph*(1-v/maxV) }
	// Axes and grid.
	for i := 0; i <= 4; i++ {
		v := maxV * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#9ca3af" stroke-width="0.5"/>`, left, y(v), w-right, y(v))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="currentColor">%s</text>`, left-4, y(v)+4, formatValue(v))
	}
	for _, t := range []int64{minT, maxT} {
		anchor := "start"
		if t == maxT {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="%s" font-size="11" fill="currentColor">%s</text>`, x(t), h-bottom+14, anchor, time.UnixMilli(t).UTC().Format("15:04:05"))
	}
	if c.Threshold != nil {
		ty := y(*c.Threshold)
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="6 4"><title>threshold %s</title></line>`, left, ty, w-right, ty, formatValue(*c.Threshold))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="#dc2626">threshold %s</text>`, w-right, ty-4, formatValue(*c.Threshold))
	}
	for i, s := range c.Series {
		colour := consolePalette[i%len(consolePalette)]
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.T), y(p.V)))
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colour)
		}
		for _, p := range s.Points {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s</title></circle>`, x(p.T), y(p.V), colour,
				html.EscapeString(fmt.Sprintf("%s at %s: %s", s.Name, time.UnixMilli(p.T).UTC().Format("15:04:05"), formatValue(p.V))))
		}
		// Legend, wrapped in rows of three.
		lx, ly := left+float64(i%3)*(pw/3), h-bottom+30+float64(i/3)*14
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" font-size="11" fill="currentColor">%s</text>`,
			lx, ly-9, colour, lx+14, ly, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, for axis labels.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// formatValue renders an axis or point value with at most three
// significant digits and no trailing zeros.
func formatValue(v float64) string {
	if math.Abs(v) >= 1000 {
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// formatMillis renders a unix-millisecond stamp in UTC ("" for zero).
func formatMillis(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05Z")
}

// formatDurationMs renders a duration given in milliseconds.
func formatDurationMs(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return (time.Duration(ms) * time.Millisecond).Round(time.Millisecond).String()
}

// shortSHA is the first seven characters of a commit id.
func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
