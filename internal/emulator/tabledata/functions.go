package tabledata

import (
	"database/sql/driver"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// Spark SQL functions SQLite lacks, registered under their Spark names so
// the statements users and the toolkit write for a workspace (p95 latency,
// error counts, standard deviations) run unchanged. Functions SQLite has
// under another name are renamed in sqltext.go instead.

var registerOnce sync.Once

func registerFunctions() {
	registerOnce.Do(func() {
		aggregate("percentile_approx", -1, func() aggState { return &percentileState{} })
		aggregate("approx_percentile", -1, func() aggState { return &percentileState{} })
		aggregate("percentile", -1, func() aggState { return &percentileState{} })
		aggregate("median", 1, func() aggState { return &percentileState{fixed: 0.5} })
		aggregate("stddev", 1, func() aggState { return &momentState{sample: true, root: true} })
		aggregate("stddev_samp", 1, func() aggState { return &momentState{sample: true, root: true} })
		aggregate("stddev_pop", 1, func() aggState { return &momentState{root: true} })
		aggregate("variance", 1, func() aggState { return &momentState{sample: true} })
		aggregate("var_samp", 1, func() aggState { return &momentState{sample: true} })
		aggregate("var_pop", 1, func() aggState { return &momentState{} })
		aggregate("count_if", 1, func() aggState { return &countIfState{} })
		aggregate("bool_or", 1, func() aggState { return &boolState{or: true} })
		aggregate("bool_and", 1, func() aggState { return &boolState{} })
		scalar("unix_millis", 1, true, func(args []driver.Value) (driver.Value, error) {
			t, ok, err := timeArg(args[0])
			if !ok {
				return nil, err
			}
			return t.UnixMilli(), nil
		})
		scalar("unix_timestamp", 1, true, func(args []driver.Value) (driver.Value, error) {
			t, ok, err := timeArg(args[0])
			if !ok {
				return nil, err
			}
			return t.Unix(), nil
		})
		scalar("timestamp_millis", 1, true, func(args []driver.Value) (driver.Value, error) {
			ms, ok := number(args[0])
			if !ok {
				return nil, nil
			}
			return time.UnixMilli(int64(ms)).UTC().Format(TimestampFormat), nil
		})
		scalar("to_timestamp", 1, true, func(args []driver.Value) (driver.Value, error) {
			t, ok, err := timeArg(args[0])
			if !ok {
				return nil, err
			}
			return t.Format(TimestampFormat), nil
		})
		scalar("to_date", 1, true, func(args []driver.Value) (driver.Value, error) {
			t, ok, err := timeArg(args[0])
			if !ok {
				return nil, err
			}
			return t.Format(DateFormat), nil
		})
		scalar("date_trunc", 2, true, func(args []driver.Value) (driver.Value, error) {
			unit, _ := args[0].(string)
			t, ok, err := timeArg(args[1])
			if !ok {
				return nil, err
			}
			switch strings.ToUpper(unit) {
			case "YEAR", "YYYY", "YY":
				t = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
			case "MONTH", "MM", "MON":
				t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
			case "WEEK":
				t = t.Truncate(24*time.Hour).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
			case "DAY", "DD":
				t = t.Truncate(24 * time.Hour)
			case "HOUR":
				t = t.Truncate(time.Hour)
			case "MINUTE":
				t = t.Truncate(time.Minute)
			case "SECOND":
				t = t.Truncate(time.Second)
			default:
				return nil, fmt.Errorf("date_trunc: unit %q is not one of YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND", unit)
			}
			return t.Format(TimestampFormat), nil
		})
	})
}

func scalar(name string, n int32, deterministic bool, fn func(args []driver.Value) (driver.Value, error)) {
	sqlite.MustRegisterFunction(name, &sqlite.FunctionImpl{NArgs: n, Deterministic: deterministic,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) { return fn(args) }})
}

type aggState interface {
	step(args []driver.Value) error
	value() driver.Value
}

type aggFunc struct{ st aggState }

func (a *aggFunc) Step(_ *sqlite.FunctionContext, args []driver.Value) error { return a.st.step(args) }
func (a *aggFunc) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("this aggregate cannot be used as a sliding window function")
}
func (a *aggFunc) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	return a.st.value(), nil
}
func (a *aggFunc) Final(*sqlite.FunctionContext) {}

func aggregate(name string, n int32, make func() aggState) {
	sqlite.MustRegisterFunction(name, &sqlite.FunctionImpl{NArgs: n, Deterministic: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return &aggFunc{st: make()}, nil }})
}

func number(v driver.Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func timeArg(v driver.Value) (time.Time, bool, error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case string:
		t, err := ParseTimestamp(x)
		return t, err == nil, err
	case time.Time:
		return x.UTC(), true, nil
	}
	return time.Time{}, false, fmt.Errorf("expected a timestamp, got %v", v)
}

// percentileState computes an exact percentile by linear interpolation
// between closest ranks (Spark's percentile; percentile_approx answers the
// same on the emulator's small tables). The percentage is the second
// argument; an accuracy third argument is accepted and ignored.
type percentileState struct {
	fixed  float64
	p      float64
	hasP   bool
	values []float64
}

func (s *percentileState) step(args []driver.Value) error {
	if s.fixed == 0 && !s.hasP {
		if len(args) < 2 {
			return fmt.Errorf("percentile needs a column and a percentage")
		}
		p, ok := number(args[1])
		if !ok || p < 0 || p > 1 {
			return fmt.Errorf("percentile: the percentage must be a number between 0.0 and 1.0, got %v", args[1])
		}
		s.p, s.hasP = p, true
	}
	if x, ok := number(args[0]); ok {
		s.values = append(s.values, x)
	}
	return nil
}

func (s *percentileState) value() driver.Value {
	if len(s.values) == 0 {
		return nil
	}
	p := s.p
	if s.fixed != 0 {
		p = s.fixed
	}
	v := append([]float64(nil), s.values...)
	sort.Float64s(v)
	rank := p * float64(len(v)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return v[lo] + (v[hi]-v[lo])*(rank-float64(lo))
}

// momentState is a numerically stable (Welford) variance.
type momentState struct {
	sample, root bool
	n            float64
	mean, m2     float64
}

func (s *momentState) step(args []driver.Value) error {
	x, ok := number(args[0])
	if !ok {
		return nil
	}
	s.n++
	d := x - s.mean
	s.mean += d / s.n
	s.m2 += d * (x - s.mean)
	return nil
}

func (s *momentState) value() driver.Value {
	div := s.n
	if s.sample {
		div--
	}
	if s.n == 0 || div <= 0 {
		return nil
	}
	v := s.m2 / div
	if s.root {
		return math.Sqrt(v)
	}
	return v
}

type countIfState struct{ n int64 }

func (s *countIfState) step(args []driver.Value) error {
	if x, ok := number(args[0]); ok && x != 0 {
		s.n++
	}
	return nil
}

func (s *countIfState) value() driver.Value { return s.n }

type boolState struct {
	or, seen, acc bool
}

func (s *boolState) step(args []driver.Value) error {
	x, ok := number(args[0])
	if !ok {
		return nil
	}
	if !s.seen {
		s.seen, s.acc = true, !s.or
	}
	if s.or {
		s.acc = s.acc || x != 0
	} else {
		s.acc = s.acc && x != 0
	}
	return nil
}

func (s *boolState) value() driver.Value {
	if !s.seen {
		return nil
	}
	if s.acc {
		return int64(1)
	}
	return int64(0)
}
