package promote

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// ReviewedPlan is the gate that binds an approval to what was reviewed:
// the plan about to be applied (made just now, in the applying job) must do
// exactly what the plan recorded in the pull request's plan comment did,
// and that plan must have been made on the pull request's head commit —
// the commit the approvals are checked against. An out-of-band change in
// the workspace, a merge that brought in other changes, or a plan comment
// left over from an earlier push each make it fail, naming what differs.
func ReviewedPlan(ctx context.Context, repo github.Repo, pr int, headSHA, commentKey string, plan *planjson.Plan) (GateResult, error) {
	res := GateResult{Gate: "reviewed plan"}
	now := planjson.FingerprintOf(plan)
	comment, err := repo.Comment(ctx, pr, commentKey)
	if err != nil {
		return res, err
	}
	if comment == nil {
		res.Detail = fmt.Sprintf("pull request #%d has no plan comment (%s) for %s: run the plan workflow on it, review the plan, then apply", pr, commentKey, plan.Env)
		return res, nil
	}
	reviewed, err := planjson.FindFingerprint(comment.GetBody(), plan.Env)
	if errors.Is(err, planjson.ErrNoFingerprint) {
		res.Detail = fmt.Sprintf("the plan comment (%s) on #%d records no plan for %s: re-run the plan workflow so the comment records it", commentKey, pr, plan.Env)
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("reading the plan comment (%s) on #%d: %w", commentKey, pr, err)
	}
	if reviewed.Commit != "" && headSHA != "" && reviewed.Commit != headSHA {
		res.Detail = fmt.Sprintf("the reviewed plan was made on %s, but the pull request's head is %s: re-run the plan workflow on the latest commit and have it reviewed",
			short(reviewed.Commit), short(headSHA))
		return res, nil
	}
	if diff := now.Diff(reviewed); len(diff) > 0 {
		res.Detail = fmt.Sprintf("the plan (%s) differs from the one reviewed on #%d (%s): %s. Re-run the plan workflow and have the new plan reviewed",
			now.Short(), pr, reviewed.Short(), strings.Join(diff, "; "))
		return res, nil
	}
	res.Passed = true
	res.Detail = fmt.Sprintf("the plan (%s) is the one reviewed on #%d", now.Short(), pr)
	return res, nil
}
