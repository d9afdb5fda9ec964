package workspace

import (
	"fmt"
	"time"

	// Java time zone ids are resolved against the IANA database; embedding
	// it keeps validation independent of the host's zoneinfo files.
	_ "time/tzdata"

	"github.com/brickops/terraform-provider-brickops/internal/quartz"
)

// Schedules shared by jobs (CronSchedule) and quality monitors
// (MonitorCronSchedule): a Quartz cron expression (package quartz, which
// also computes when it fires) resolved in a Java time zone.

// validateQuartzCron reports why expr is not a Quartz cron expression.
func validateQuartzCron(expr string) error {
	_, err := quartz.Parse(expr)
	return err
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
