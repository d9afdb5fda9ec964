package workspace

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Job triggers (jobs.TriggerSettings) that fire from the emulator clock:
// periodic (every interval HOURS, DAYS or WEEKS since the job was created,
// a PERIODIC run) and table_update (a TABLE run when rows were added to any
// — or, with condition ALL_UPDATED, to every — table named, as the SQL
// engine holds them). A trigger with pause_status PAUSED does not fire;
// file_arrival triggers are accepted and never fire (the emulator stores
// no files).

type jobTriggerView struct {
	PauseStatus string `json:"pause_status"`
	Periodic    *struct {
		Interval int    `json:"interval"`
		Unit     string `json:"unit"`
	} `json:"periodic"`
	TableUpdate *struct {
		TableNames []string `json:"table_names"`
		Condition  string   `json:"condition"`
	} `json:"table_update"`
}

// jobTriggerBucket holds, per job, the row counts of its table_update
// trigger's tables when it last fired (or was first seen).
const jobTriggerBucket = "job_trigger_marks"

var periodicUnits = map[string]time.Duration{"HOURS": time.Hour, "DAYS": 24 * time.Hour, "WEEKS": 7 * 24 * time.Hour}

func validateTrigger(t *jobTriggerView) error {
	if t == nil {
		return nil
	}
	if t.PauseStatus != "" && t.PauseStatus != "PAUSED" && t.PauseStatus != "UNPAUSED" {
		return core.InvalidParam("Invalid trigger.pause_status '%s'. Valid values: PAUSED, UNPAUSED.", t.PauseStatus)
	}
	if p := t.Periodic; p != nil {
		if _, ok := periodicUnits[p.Unit]; !ok {
			return core.InvalidParam("Invalid trigger.periodic.unit '%s'. Valid values: HOURS, DAYS, WEEKS.", p.Unit)
		}
		if p.Interval < 1 {
			return core.InvalidParam("trigger.periodic.interval must be at least 1, got %d.", p.Interval)
		}
	}
	if u := t.TableUpdate; u != nil {
		if len(u.TableNames) == 0 {
			return core.InvalidParam("Missing required field: trigger.table_update.table_names")
		}
		for _, n := range u.TableNames {
			if _, err := splitFullName("table", n, 3); err != nil {
				return core.InvalidParam("Invalid table name '%s' in trigger.table_update.table_names: expected <catalog>.<schema>.<table>.", n)
			}
		}
		if u.Condition != "" && u.Condition != "ANY_UPDATED" && u.Condition != "ALL_UPDATED" {
			return core.InvalidParam("Invalid trigger.table_update.condition '%s'. Valid values: ANY_UPDATED, ALL_UPDATED.", u.Condition)
		}
	}
	return nil
}

// periodicDue lists the firings of a periodic trigger after mark up to now.
func periodicDue(j Job, t *jobTriggerView, mark int64, now time.Time) []time.Time {
	every := time.Duration(t.Periodic.Interval) * periodicUnits[t.Periodic.Unit]
	var out []time.Time
	created := time.UnixMilli(j.CreatedTime)
	k := int64(time.UnixMilli(mark).Sub(created)/every) + 1
	for at := created.Add(time.Duration(k) * every); !at.After(now) && len(out) < maxCatchUp; at = at.Add(every) {
		out = append(out, at)
	}
	return out
}

// fireTableTriggers starts a TABLE run for each job whose table_update
// trigger's tables got rows since it last fired.
func (s *Service) fireTableTriggers(ctx context.Context, now time.Time) {
	type watched struct {
		j      Job
		tables []string
		all    bool
		seen   map[string]int64
		found  bool
	}
	var jobs []watched
	err := s.Store().View(func(tx core.Tx) error {
		all, err := core.GetAll[Job](tx, JobsBucket, "")
		if err != nil {
			return err
		}
		for _, j := range all {
			v, err := j.SettingsView()
			if err != nil || v.Trigger == nil || v.Trigger.TableUpdate == nil || v.Trigger.PauseStatus == "PAUSED" {
				continue
			}
			w := watched{j: j, tables: v.Trigger.TableUpdate.TableNames, all: v.Trigger.TableUpdate.Condition == "ALL_UPDATED"}
			if w.found, err = tx.Get(jobTriggerBucket, jobKey(j.JobID), &w.seen); err != nil {
				return err
			}
			jobs = append(jobs, w)
		}
		return nil
	})
	if err != nil || len(jobs) == 0 {
		return
	}
	engine, err := s.tables()
	if err != nil {
		return
	}
	var fired []JobRun
	for _, w := range jobs {
		counts := map[string]int64{}
		changed := 0
		for _, t := range w.tables {
			res, err := engine.Query(ctx, "SELECT count(*) AS n FROM "+t)
			if err == nil {
				n, _ := res.Value(0, "n")
				counts[t], _ = strconv.ParseInt(n, 10, 64)
			}
			if counts[t] != w.seen[t] {
				changed++
			}
		}
		fire := w.found && (changed == len(w.tables) || (!w.all && changed > 0))
		if w.found && !fire {
			continue
		}
		if !w.found && maps.Equal(counts, w.seen) {
			continue
		}
		err := s.Store().Update(func(tx core.Tx) error {
			if fire {
				run, err := s.startTriggeredRun(tx, w.j, now, "TABLE")
				if err != nil {
					return err
				}
				fired = append(fired, run)
			}
			return tx.Put(jobTriggerBucket, jobKey(w.j.JobID), counts)
		})
		if err != nil {
			s.Logger().Error("firing a table update trigger", "job_id", w.j.JobID, "error", err)
		}
	}
	for _, run := range fired {
		s.runTrainings(ctx, run)
	}
}

// startTriggeredRun stores a run of j a schedule or trigger started at at.
// Parameters the run cannot use fail it, as a broken job fails when
// triggered; a job already running max_concurrent_runs runs skips it.
func (s *Service) startTriggeredRun(tx core.Tx, j Job, at time.Time, trigger string) (JobRun, error) {
	run, err := s.newJobRunAt(tx, j, nil, nil, at, trigger)
	if err != nil {
		if run.RunID == 0 {
			return run, err
		}
		run.FailureMessage, run.Plan = err.Error(), nil
	}
	if err := s.skipIfBusy(tx, j, &run, at); err != nil {
		return run, err
	}
	return run, tx.Put(JobRunsBucket, jobKey(run.RunID), run)
}

// skipIfBusy marks run SKIPPED when its job already has
// max_concurrent_runs active runs at at.
func (s *Service) skipIfBusy(tx core.Tx, j Job, run *JobRun, at time.Time) error {
	runs, err := core.GetAll[JobRun](tx, JobRunsBucket, "")
	if err != nil {
		return err
	}
	active := len(slices.DeleteFunc(runs, func(r JobRun) bool { return r.JobID != j.JobID || !r.State(at).active() }))
	if limit := maxConcurrentRuns(j); active >= limit {
		run.SkipMessage = fmt.Sprintf("Skipping this run because the limit of %d maximum concurrent runs has been reached.", limit)
	}
	return nil
}
