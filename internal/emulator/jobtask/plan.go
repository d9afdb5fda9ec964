package jobtask

import (
	"fmt"
	"time"
)

// Result states of a task attempt and a run (jobs.RunResultState).
const (
	Success        = "SUCCESS"
	Failed         = "FAILED"
	TimedOut       = "TIMEDOUT"
	UpstreamFailed = "UPSTREAM_FAILED"
)

// Task is one task of a run with its retry and timeout settings
// (jobs.Task: max_retries, min_retry_interval_millis, retry_on_timeout,
// timeout_seconds).
type Task struct {
	Key                    string
	DependsOn              []string
	Behaviour              Behaviour
	TimeoutSeconds         int
	MaxRetries             int
	MinRetryIntervalMillis int
	RetryOnTimeout         bool
}

// Attempt is one attempt of a task, as offsets from the moment the run
// started executing (after it left PENDING).
type Attempt struct {
	Number     int
	Start, End time.Duration
	Result     string
	Message    string
}

// Plan is how a run unfolds.
type Plan struct {
	// Attempts by task key, in order; an UPSTREAM_FAILED task has one
	// attempt that never ran (Start == End).
	Attempts map[string][]Attempt
	// End is when the last attempt ends.
	End time.Duration
	// Result is the run's result state and Message why, when not SUCCESS;
	// FailedTask is the first task that failed or timed out.
	Result, Message, FailedTask string
}

// MaxAttempts bounds retries (the run ids of attempts are numbered within
// a run's block of ids).
const MaxAttempts = 10

// Layout plans tasks (their dependency graph acyclic, as validated job
// settings are; dependencies on tasks not in the run are ignored), each
// starting when its dependencies succeeded; def is an attempt's duration
// when its task does not set one, jobTimeout the job's timeout_seconds
// (0: none).
func Layout(tasks []Task, def time.Duration, jobTimeout int) Plan {
	p := Plan{Attempts: map[string][]Attempt{}, Result: Success}
	ends := map[string]time.Duration{}
	failed := map[string]bool{}
	for _, t := range dependenciesFirst(tasks) {
		start := time.Duration(0)
		blocked := ""
		for _, d := range t.DependsOn {
			start = max(start, ends[d])
			if failed[d] && blocked == "" {
				blocked = d
			}
		}
		if blocked != "" {
			failed[t.Key], ends[t.Key] = true, start
			p.Attempts[t.Key] = []Attempt{{Start: start, End: start, Result: UpstreamFailed, Message: fmt.Sprintf("Upstream task %s did not succeed.", blocked)}}
			continue
		}
		attempts := t.attempts(start, def)
		last := attempts[len(attempts)-1]
		p.Attempts[t.Key], ends[t.Key] = attempts, last.End
		if last.Result != Success {
			failed[t.Key] = true
			if p.FailedTask == "" {
				p.FailedTask, p.Result, p.Message = t.Key, last.Result, last.Message
			}
		}
		p.End = max(p.End, last.End)
	}
	if jobTimeout > 0 && p.End > time.Duration(jobTimeout)*time.Second {
		p.End = time.Duration(jobTimeout) * time.Second
		p.Result, p.Message = TimedOut, fmt.Sprintf("Run timed out after %d seconds (the job's timeout_seconds).", jobTimeout)
	}
	return p
}

func (t Task) attempts(start time.Duration, def time.Duration) []Attempt {
	b := t.Behaviour
	d := b.Duration
	if d == 0 {
		d = def
	}
	var out []Attempt
	at := start
	for n := 0; n < MaxAttempts; n++ {
		a := Attempt{Number: n, Start: at, End: at + d, Result: Success}
		switch {
		case t.TimeoutSeconds > 0 && d > time.Duration(t.TimeoutSeconds)*time.Second:
			a.End = at + time.Duration(t.TimeoutSeconds)*time.Second
			a.Result, a.Message = TimedOut, fmt.Sprintf("Task %s timed out after %d seconds.", t.Key, t.TimeoutSeconds)
		case b.Fail || n < b.FailAttempts:
			a.Result, a.Message = Failed, b.FailMessage
			if a.Message == "" {
				a.Message = fmt.Sprintf("Task %s failed (attempt %d).", t.Key, n)
			}
		}
		out = append(out, a)
		retry := a.Result == Failed || (a.Result == TimedOut && t.RetryOnTimeout)
		if !retry || (t.MaxRetries >= 0 && n >= t.MaxRetries) { // -1: retry indefinitely (up to MaxAttempts)
			break
		}
		at = a.End + time.Duration(t.MinRetryIntervalMillis)*time.Millisecond
	}
	return out
}

// dependenciesFirst orders tasks so that each comes after the tasks it
// depends on, keeping the given order otherwise.
func dependenciesFirst(tasks []Task) []Task {
	byKey := map[string]Task{}
	for _, t := range tasks {
		byKey[t.Key] = t
	}
	done := map[string]bool{}
	var out []Task
	var visit func(t Task)
	visit = func(t Task) {
		if done[t.Key] {
			return
		}
		done[t.Key] = true
		for _, d := range t.DependsOn {
			if dep, ok := byKey[d]; ok {
				visit(dep)
			}
		}
		out = append(out, t)
	}
	for _, t := range tasks {
		visit(t)
	}
	return out
}
