package promote

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Review is one pull request review as GitHub reports it.
type Review struct {
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	CommitID    string // the head commit the review was given on
	SubmittedAt time.Time
}

// ApprovalInput is what the approval gate decides on.
type ApprovalInput struct {
	Required int
	// Allowed are the logins allowed to approve (teams already expanded).
	Allowed []string
	Author  string
	HeadSHA string
	Reviews []Review
}

// Approvals applies GitHub's rule that a user's latest non-comment review
// is their verdict, then BrickOps' stricter ones: only allowed reviewers
// count, the author never counts, an approval given on an older commit does
// not count (a push after approval needs a new one), and any standing
// "changes requested" blocks.
func Approvals(in ApprovalInput) GateResult {
	latest := map[string]Review{}
	for _, r := range in.Reviews {
		if r.State == "COMMENTED" || r.State == "PENDING" {
			continue
		}
		if prev, ok := latest[r.User]; !ok || !r.SubmittedAt.Before(prev.SubmittedAt) {
			latest[r.User] = r
		}
	}
	var counted, stale, outsiders, blockers []string
	for _, user := range sortedKeys(latest) {
		r := latest[user]
		switch {
		case r.State == "CHANGES_REQUESTED":
			blockers = append(blockers, user)
		case r.State != "APPROVED":
		case strings.EqualFold(user, in.Author):
			// GitHub already forbids approving one's own PR; be explicit anyway.
		case !containsFold(in.Allowed, user):
			outsiders = append(outsiders, user)
		case r.CommitID != in.HeadSHA:
			stale = append(stale, user)
		default:
			counted = append(counted, user)
		}
	}
	res := GateResult{Gate: fmt.Sprintf("%d approval(s) from %s", in.Required, allowedText(in.Allowed))}
	var why []string
	why = append(why, fmt.Sprintf("%d of %d", len(counted), in.Required)+names(" (", counted, ")"))
	if len(blockers) > 0 {
		why = append(why, "changes requested by "+strings.Join(blockers, ", "))
	}
	if len(stale) > 0 {
		why = append(why, "approval by "+strings.Join(stale, ", ")+" predates the latest commit "+short(in.HeadSHA)+" and must be renewed")
	}
	if len(outsiders) > 0 {
		why = append(why, "approval by "+strings.Join(outsiders, ", ")+" does not count: not a reviewer for this environment")
	}
	res.Passed = len(counted) >= in.Required && len(blockers) == 0
	res.Detail = strings.Join(why, "; ")
	return res
}

func sortedKeys(m map[string]Review) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(v string) bool { return strings.EqualFold(v, s) })
}

func allowedText(allowed []string) string {
	if len(allowed) == 0 {
		return "nobody (no reviewers configured)"
	}
	return strings.Join(allowed, ", ")
}

func names(prefix string, list []string, suffix string) string {
	if len(list) == 0 {
		return ""
	}
	return prefix + strings.Join(list, ", ") + suffix
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
