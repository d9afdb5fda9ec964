package workspace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	// Java time zone ids are resolved against the IANA database; embedding
	// it keeps validation independent of the host's zoneinfo files.
	_ "time/tzdata"
)

// Schedules shared by jobs (CronSchedule) and quality monitors
// (MonitorCronSchedule): a Quartz cron expression resolved in a Java time
// zone. Syntax from the Quartz CronTrigger tutorial the API reference links
// to: "sec min hour day-of-month month day-of-week [year]", where one of
// day-of-month and day-of-week must be "?".

type quartzField struct {
	name     string
	min, max int
	names    []string // symbolic values, index+min is the number
	special  string   // characters allowed besides digits, ',', '-', '*', '/'
}

var quartzFields = []quartzField{
	{name: "seconds", min: 0, max: 59},
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, special: "?LW"},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, special: "?L#"},
	{name: "year", min: 1970, max: 2099},
}

// validateQuartzCron reports why expr is not a Quartz cron expression.
func validateQuartzCron(expr string) error {
	parts := strings.Fields(expr)
	if len(parts) < 6 || len(parts) > 7 {
		return fmt.Errorf("expected 6 or 7 space-separated fields (seconds minutes hours day-of-month month day-of-week [year]), got %d", len(parts))
	}
	for i, p := range parts {
		if err := quartzFields[i].check(strings.ToUpper(p)); err != nil {
			return err
		}
	}
	dom, dow := parts[3], parts[5]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("exactly one of day-of-month (%q) and day-of-week (%q) must be '?'", dom, dow)
	}
	return nil
}

func (f quartzField) check(v string) error {
	if v == "?" {
		if !strings.Contains(f.special, "?") {
			return fmt.Errorf("'?' is only allowed in day-of-month and day-of-week, not in %s", f.name)
		}
		return nil
	}
	for _, item := range strings.Split(v, ",") {
		if err := f.checkItem(item); err != nil {
			return err
		}
	}
	return nil
}

// checkItem checks one list item: *, n, n-m, with an optional /step, or one
// of the day specials (L, LW, nW, nL, n#k).
func (f quartzField) checkItem(item string) error {
	if item == "" {
		return fmt.Errorf("empty value in %s", f.name)
	}
	switch {
	case strings.Contains(f.special, "L") && (item == "L" || item == "LW"):
		return nil
	case strings.Contains(f.special, "W") && strings.HasSuffix(item, "W"):
		return f.checkValue(strings.TrimSuffix(item, "W"))
	case strings.Contains(f.special, "#") && strings.Contains(item, "#"):
		day, nth, _ := strings.Cut(item, "#")
		if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
			return fmt.Errorf("invalid %s value %q: the number after '#' must be 1-5", f.name, item)
		}
		return f.checkValue(day)
	case strings.Contains(f.special, "L") && f.name == "day-of-week" && strings.HasSuffix(item, "L"):
		return f.checkValue(strings.TrimSuffix(item, "L"))
	}
	rng, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n < 1 || n > f.max {
			return fmt.Errorf("invalid %s step %q", f.name, step)
		}
	}
	if rng == "*" {
		return nil
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	if err := f.checkValue(lo); err != nil {
		return err
	}
	if isRange {
		return f.checkValue(hi)
	}
	return nil
}

func (f quartzField) checkValue(v string) error {
	if slices.Contains(f.names, v) {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < f.min || n > f.max {
		return fmt.Errorf("invalid %s value %q: must be %d-%d", f.name, v, f.min, f.max)
	}
	return nil
}

// validateTimezone reports whether id is a time zone id the service knows.
func validateTimezone(id string) error {
	if id == "" {
		return fmt.Errorf("a timezone_id is required")
	}
	if _, err := time.LoadLocation(id); err != nil {
		return fmt.Errorf("unknown time zone id %q", id)
	}
	return nil
}
