package quartz

import (
	"strings"
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNext(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	// 2026-11-30 is a Monday.
	base := time.Date(2026, 11, 30, 10, 15, 30, 0, utc)
	cases := []struct {
		expr string
		from time.Time
		want []string // successive firing times, RFC 3339
	}{
		{"0 0 3 * * ?", base, []string{"2026-12-01T03:00:00Z", "2026-12-02T03:00:00Z"}},
		{"0 0 12 * * ?", base, []string{"2026-11-30T12:00:00Z", "2026-12-01T12:00:00Z"}},
		{"0 */20 * * * ?", base, []string{"2026-11-30T10:20:00Z", "2026-11-30T10:40:00Z", "2026-11-30T11:00:00Z"}},
		{"30 15 10 * * ?", base, []string{"2026-12-01T10:15:30Z"}}, // strictly after
		{"0 0 9 ? * MON-FRI", time.Date(2026, 12, 4, 10, 0, 0, 0, utc), []string{"2026-12-07T09:00:00Z", "2026-12-08T09:00:00Z"}},
		{"0 0 9 ? * 2", base, []string{"2026-12-07T09:00:00Z"}}, // 2 = Monday in Quartz
		{"0 0 22 ? * FRI-MON", time.Date(2026, 12, 1, 0, 0, 0, 0, utc), []string{"2026-12-04T22:00:00Z", "2026-12-05T22:00:00Z", "2026-12-06T22:00:00Z", "2026-12-07T22:00:00Z", "2026-12-11T22:00:00Z"}},
		{"0 0 0 L * ?", base, []string{"2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"}},
		{"0 0 0 L-2 * ?", base, []string{"2026-12-29T00:00:00Z", "2027-01-29T00:00:00Z", "2027-02-26T00:00:00Z"}},
		{"0 0 0 LW * ?", base, []string{"2026-12-31T00:00:00Z", "2027-01-29T00:00:00Z"}}, // 2027-01-31 is a Sunday
		{"0 0 0 15W * ?", base, []string{"2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z", "2027-02-15T00:00:00Z", "2027-03-15T00:00:00Z", "2027-04-15T00:00:00Z", "2027-05-14T00:00:00Z"}},
		{"0 0 0 1W * ?", time.Date(2027, 4, 30, 0, 0, 0, 0, utc), []string{"2027-05-03T00:00:00Z"}}, // May 1st 2027 is a Saturday: Monday the 3rd
		{"0 0 6 ? * 6L", base, []string{"2026-12-25T06:00:00Z", "2027-01-29T06:00:00Z"}},
		{"0 0 6 ? * MON#1", base, []string{"2026-12-07T06:00:00Z", "2027-01-04T06:00:00Z"}},
		{"0 0 6 ? * L", base, []string{"2026-12-05T06:00:00Z"}}, // L alone is Saturday
		{"0 0 0 29 FEB ?", base, []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"0 0 0 1 1 ? 2030", base, []string{"2030-01-01T00:00:00Z"}},
		{"0 0 0 1 1 ? 2020-2025", base, nil},
		{"0 0 0 31 2 ?", base, nil},
		{"0 0 12 1/10 * ?", base, []string{"2026-12-01T12:00:00Z", "2026-12-11T12:00:00Z", "2026-12-21T12:00:00Z", "2026-12-31T12:00:00Z", "2027-01-01T12:00:00Z"}},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			s, err := Parse(c.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			at := c.from
			for i, want := range c.want {
				at = s.Next(at)
				if got := at.Format(time.RFC3339); got != want {
					t.Fatalf("firing %d after %s: got %s, want %s", i+1, c.from.Format(time.RFC3339), got, want)
				}
			}
			if len(c.want) == 0 {
				if got := s.Next(at); !got.IsZero() {
					t.Fatalf("want no firing, got %s", got)
				}
			}
		})
	}
}

func TestNextTimeZone(t *testing.T) {
	t.Parallel()
	la := mustLoad(t, "America/Los_Angeles")
	s, err := Parse("0 0 3 * * ?")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Next(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC).In(la))
	if want := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("3am in Los Angeles (PDT): got %s, want %s UTC", got, want)
	}
	// 2026-03-08 02:30 does not exist in Los Angeles: that day does not fire.
	s, err = Parse("0 30 2 * * ?")
	if err != nil {
		t.Fatal(err)
	}
	got = s.Next(time.Date(2026, 3, 7, 12, 0, 0, 0, la))
	if want := time.Date(2026, 3, 9, 2, 30, 0, 0, la); !got.Equal(want) {
		t.Fatalf("across spring-forward: got %s, want %s", got, want)
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	s, err := Parse("0 0 * * * ?")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := s.Between(from, from.Add(24*time.Hour), 0); len(got) != 24 || !got[23].Equal(from.Add(24*time.Hour)) {
		t.Fatalf("hourly over a day: got %d firings ending %v", len(got), got[len(got)-1])
	}
	if got := s.Between(from, from.Add(24*time.Hour), 5); len(got) != 5 {
		t.Fatalf("limit 5: got %d", len(got))
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"0 3 * * *":           "expected 6 or 7 space-separated fields",
		"0 0 3 * * MON":       "exactly one of day-of-month",
		"0 0 3 ? * ?":         "exactly one of day-of-month",
		"0 0 25 ? * MON":      `invalid hours value "25": must be 0-23`,
		"0 0 0 ? FOO MON":     `invalid month value "FOO"`,
		"0 ? 0 1 * ?":         "'?' is only allowed in day-of-month and day-of-week, not in minutes",
		"0 */0 0 1 * ?":       `invalid minutes step "0"`,
		"0 0 0 ? * MON#6":     "the number after '#' must be 1-5",
		"0 0 0 1 * ? 1969":    `invalid year value "1969"`,
		"0 0 0 L-40 * ?":      "the offset after 'L-' must be 0-30",
		"0 0 0 1,,2 * ?":      "empty value in day-of-month",
		"60 0 0 1 * ?":        `invalid seconds value "60"`,
		"0 0 0 32W * ?":       `invalid day-of-month value "32"`,
		"0 0 0 ? * 8L":        `invalid day-of-week value "8"`,
		"0 0 0 1 * ? 2020 20": "expected 6 or 7",
	}
	for expr, want := range cases {
		_, err := Parse(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", expr, err, want)
		}
	}
}
