// Package quartz parses Quartz cron expressions — the schedule syntax of
// Databricks jobs (jobs.CronSchedule) and quality monitors
// (catalog.MonitorCronSchedule) — and computes when they fire.
//
// Syntax, from the Quartz CronTrigger tutorial the Databricks API reference
// links to: "sec min hour day-of-month month day-of-week [year]", where
// exactly one of day-of-month and day-of-week is "?". Each field takes "*",
// a value, a range "a-b" (wrapping past the maximum, as "FRI-MON" or
// "22-2"), a step "a/n", "*/n" or "a-b/n", and comma-separated lists of
// those. Months take JAN–DEC and days of the week SUN–SAT (SUN is 1).
// Day-of-month also takes "L" (the last day), "L-n" (n days before it),
// "LW" (the last weekday) and "nW" (the weekday nearest day n, never
// crossing into another month); day-of-week takes "L" (Saturday), "nL" (the
// last weekday n of the month) and "n#k" (the k-th weekday n of the month).
//
// The Go cron libraries on the module proxy implement the Unix flavour
// (day-of-week 0–6, no L/W/#, no year), which would silently fire Quartz
// schedules on the wrong days, hence this package.
package quartz

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxYear is the last year a Quartz expression can name.
const MaxYear = 2099

type field struct {
	name     string
	min, max int
	names    []string // symbolic values; names[i] is min+i
	special  string   // characters allowed besides digits, ',', '-', '*', '/'
}

var fields = []field{
	{name: "seconds", min: 0, max: 59},
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, special: "?LW"},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, special: "?L#"},
	{name: "year", min: 1970, max: MaxYear},
}

// set is a set of small non-negative integers (at most 2099).
type set map[int]bool

// Schedule is a parsed expression.
type Schedule struct {
	expr                    string
	seconds, minutes, hours set
	months, years           set // years nil: every year
	// Day of month ("?" leaves domAny false and domSet empty).
	domQuestion   bool
	domSet        set
	lastDay       bool // L
	lastDayOffset []int
	lastWeekday   bool  // LW
	nearest       []int // nW
	// Day of week (1 = Sunday).
	dowQuestion bool
	dowSet      set
	lastDow     []int    // nL
	nthDow      [][2]int // n#k
}

// String is the expression as parsed.
func (s *Schedule) String() string { return s.expr }

// Parse parses expr, reporting what is wrong in terms a user can fix.
func Parse(expr string) (*Schedule, error) {
	parts := strings.Fields(expr)
	if len(parts) < 6 || len(parts) > 7 {
		return nil, fmt.Errorf("expected 6 or 7 space-separated fields (seconds minutes hours day-of-month month day-of-week [year]), got %d", len(parts))
	}
	for i := range parts {
		parts[i] = strings.ToUpper(parts[i])
	}
	dom, dow := parts[3], parts[5]
	if (dom == "?") == (dow == "?") {
		return nil, fmt.Errorf("exactly one of day-of-month (%q) and day-of-week (%q) must be '?'", dom, dow)
	}
	s := &Schedule{expr: expr, domQuestion: dom == "?", dowQuestion: dow == "?", domSet: set{}, dowSet: set{}}
	var err error
	for i, dst := range []*set{&s.seconds, &s.minutes, &s.hours, nil, &s.months, nil, &s.years} {
		if i >= len(parts) {
			break
		}
		f := fields[i]
		switch i {
		case 3:
			err = s.parseDayOfMonth(f, parts[i])
		case 5:
			err = s.parseDayOfWeek(f, parts[i])
		default:
			*dst = set{}
			err = f.parseList(parts[i], *dst)
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseList adds the values of a list of plain items (no specials) to dst.
func (f field) parseList(v string, dst set) error {
	if v == "?" {
		return fmt.Errorf("'?' is only allowed in day-of-month and day-of-week, not in %s", f.name)
	}
	for _, item := range strings.Split(v, ",") {
		if err := f.parseItem(item, dst); err != nil {
			return err
		}
	}
	return nil
}

// parseItem adds one item: *, n, a-b, with an optional /step.
func (f field) parseItem(item string, dst set) error {
	if item == "" {
		return fmt.Errorf("empty value in %s", f.name)
	}
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if err != nil || n < 1 || n > f.max {
			return fmt.Errorf("invalid %s step %q", f.name, stepText)
		}
		step = n
	}
	lo, hi := f.min, f.max
	if rng != "*" {
		loText, hiText, isRange := strings.Cut(rng, "-")
		var err error
		if lo, err = f.value(loText); err != nil {
			return err
		}
		hi = lo
		if isRange {
			if hi, err = f.value(hiText); err != nil {
				return err
			}
		} else if hasStep {
			hi = f.max // "a/n": from a to the end
		}
	}
	// A range whose end is before its start wraps past the maximum.
	span := hi - lo
	if span < 0 {
		span += f.max - f.min + 1
	}
	for i := 0; i <= span; i += step {
		v := lo + i
		if v > f.max {
			v -= f.max - f.min + 1
		}
		dst[v] = true
	}
	return nil
}

func (f field) value(v string) (int, error) {
	if i := slices.Index(f.names, v); i >= 0 {
		return f.min + i, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < f.min || n > f.max {
		return 0, fmt.Errorf("invalid %s value %q: must be %d-%d", f.name, v, f.min, f.max)
	}
	return n, nil
}

func (s *Schedule) parseDayOfMonth(f field, v string) error {
	if v == "?" {
		return nil
	}
	for _, item := range strings.Split(v, ",") {
		switch {
		case item == "L":
			s.lastDay = true
		case item == "LW":
			s.lastWeekday = true
		case strings.HasPrefix(item, "L-"):
			n, err := strconv.Atoi(item[2:])
			if err != nil || n < 0 || n > 30 {
				return fmt.Errorf("invalid %s value %q: the offset after 'L-' must be 0-30", f.name, item)
			}
			s.lastDayOffset = append(s.lastDayOffset, n)
		case strings.HasSuffix(item, "W"):
			n, err := f.value(strings.TrimSuffix(item, "W"))
			if err != nil {
				return err
			}
			s.nearest = append(s.nearest, n)
		default:
			if err := f.parseItem(item, s.domSet); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Schedule) parseDayOfWeek(f field, v string) error {
	if v == "?" {
		return nil
	}
	for _, item := range strings.Split(v, ",") {
		switch {
		case item == "L":
			s.dowSet[7] = true
		case strings.Contains(item, "#"):
			day, nth, _ := strings.Cut(item, "#")
			k, err := strconv.Atoi(nth)
			if err != nil || k < 1 || k > 5 {
				return fmt.Errorf("invalid %s value %q: the number after '#' must be 1-5", f.name, item)
			}
			d, err := f.value(day)
			if err != nil {
				return err
			}
			s.nthDow = append(s.nthDow, [2]int{d, k})
		case strings.HasSuffix(item, "L"):
			d, err := f.value(strings.TrimSuffix(item, "L"))
			if err != nil {
				return err
			}
			s.lastDow = append(s.lastDow, d)
		default:
			if err := f.parseItem(item, s.dowSet); err != nil {
				return err
			}
		}
	}
	return nil
}

// Next is the first time strictly after t at which s fires, in t's
// location, or the zero time when it never fires again (its years are
// past, or it names a day that does not exist, such as "0 0 0 31 2 ?").
// Wall-clock times a daylight-saving change skips do not fire.
func (s *Schedule) Next(t time.Time) time.Time {
	loc := t.Location()
	t = t.Truncate(time.Second)
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // calendar arithmetic only
	first := true
	for day.Year() <= MaxYear {
		if s.years != nil && !s.years[day.Year()] {
			day = time.Date(day.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
			first = false
			continue
		}
		if !s.months[int(day.Month())] {
			day = time.Date(day.Year(), day.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			first = false
			continue
		}
		if s.dayMatches(day) {
			if at, ok := s.firstTimeOn(day, loc, t, first); ok {
				return at
			}
		}
		day = day.AddDate(0, 0, 1)
		first = false
	}
	return time.Time{}
}

// firstTimeOn finds the first firing time on day (in loc); on the first
// day it must be after t.
func (s *Schedule) firstTimeOn(day time.Time, loc *time.Location, t time.Time, first bool) (time.Time, bool) {
	for h := 0; h < 24; h++ {
		if !s.hours[h] {
			continue
		}
		for mi := 0; mi < 60; mi++ {
			if !s.minutes[mi] {
				continue
			}
			for sec := 0; sec < 60; sec++ {
				if !s.seconds[sec] {
					continue
				}
				at := time.Date(day.Year(), day.Month(), day.Day(), h, mi, sec, 0, loc)
				if at.Hour() != h || at.Minute() != mi {
					continue // skipped by a daylight-saving change
				}
				if first && !at.After(t) {
					continue
				}
				return at, true
			}
		}
	}
	return time.Time{}, false
}

func (s *Schedule) dayMatches(day time.Time) bool {
	d := day.Day()
	last := time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if s.dowQuestion {
		switch {
		case s.domSet[d], s.lastDay && d == last, s.lastWeekday && d == lastWeekday(day, last):
			return true
		case slices.ContainsFunc(s.lastDayOffset, func(n int) bool { return d == last-n }):
			return true
		case slices.ContainsFunc(s.nearest, func(n int) bool { return n <= last && d == nearestWeekday(day, n, last) }):
			return true
		}
		return false
	}
	wd := int(day.Weekday()) + 1 // Quartz: SUN = 1
	switch {
	case s.dowSet[wd]:
		return true
	case slices.ContainsFunc(s.lastDow, func(n int) bool { return n == wd && d+7 > last }):
		return true
	case slices.ContainsFunc(s.nthDow, func(nk [2]int) bool { return nk[0] == wd && (d-1)/7+1 == nk[1] }):
		return true
	}
	return false
}

func lastWeekday(day time.Time, last int) int {
	return nearestWeekday(day, last, last)
}

// nearestWeekday is the weekday closest to day n of day's month, staying
// in the month (Quartz's "nW").
func nearestWeekday(day time.Time, n, last int) int {
	wd := time.Date(day.Year(), day.Month(), n, 0, 0, 0, 0, time.UTC).Weekday()
	switch wd {
	case time.Saturday:
		if n == 1 {
			return 3 // Monday the 3rd
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

// Between lists the firing times in (from, to], at most limit of them
// (limit <= 0: no limit). A clock fast-forwarded by a long way fires each
// missed time, the way a scheduler catching up would report them.
func (s *Schedule) Between(from, to time.Time, limit int) []time.Time {
	var out []time.Time
	for at := s.Next(from); !at.IsZero() && !at.After(to); at = s.Next(at) {
		out = append(out, at)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out
}
