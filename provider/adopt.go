package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/brickops/terraform-provider-brickops/internal/client"
)

// Lost answers. A create whose answer is lost (a gateway timeout, a 503
// after the write went through) is retried — by the SDK or by the next
// apply — and must neither fail on its own object nor make a second one.
// Clusters carry an idempotency token. Creates keyed by name (Unity
// Catalog securables, serving endpoints, online tables, monitors, cluster
// policies, MLflow experiments, secret scopes, git folders, service
// principals by application id, groups) go through createOrAdopt; creates
// with no key at all (jobs, model versions) through createOnce, or
// createOnceNew where objects record a creator but no creation time (SQL
// warehouses, instance pools) or nothing but a name (service principals
// without an application id). Puts (secrets, ACLs, permissions, workspace
// imports, group members) are safe to repeat.
// The rule is documented in the provider's index page ("Lost answers").

// adoptSkew is how long before a create started an object may say it was
// created and still count as that create's: the service's clock and this
// machine's differ.
const adoptSkew = 30 * time.Second

// origin is what an existing object says about how it came to be.
type origin struct {
	createdBy string
	createdAt time.Time
	// unattributed marks an API that records neither creator nor creation
	// time (quality monitors): fresh then stands in for both.
	unattributed, fresh bool
	// timeOnly marks an API that records when an object was created but
	// not by whom (MLflow experiments): the time alone must then fit.
	timeOnly bool
	// differs names the planned attributes the object does not match.
	differs []string
}

// adoption is one name-keyed create for createOrAdopt.
type adoption struct {
	kind     string // "catalog", for messages
	typeName string // "brickops_catalog", for the import command
	importID string
	create   func(context.Context) error
	// existing reads the object that is in the way and says where it
	// came from.
	existing func(context.Context) (origin, error)
	// inTheWay recognises the create's "already exists" error when the
	// API does not use ALREADY_EXISTS for it (cluster policies answer
	// INVALID_PARAMETER_VALUE); nil means isAlreadyExists.
	inTheWay func(error) bool
	// lookFirst asks existing before the create too, for APIs whose
	// objects carry too little origin to tell this create's from one made
	// moments earlier (no creator: experiments, scopes, git folders): an
	// object already there before the create started is never adopted.
	lookFirst bool
}

// createOrAdopt runs a create that has no idempotency key. When it fails
// because the object already exists, it adopts the object if it is provably
// this create's — made by the calling principal, no earlier than the
// create started, and matching the plan — and otherwise fails with an
// error that says how to import it.
func (d *providerData) createOrAdopt(ctx context.Context, w *databricks.WorkspaceClient, a adoption) error {
	started := time.Now()
	var before string
	if a.lookFirst {
		switch _, err := a.existing(ctx); {
		case err == nil:
			before = "it existed before this create started"
		case !isNotFound(err):
			return fmt.Errorf("looking for an existing %s before creating it: %w", a.kind, err)
		}
	}
	err := a.create(ctx)
	inTheWay := a.inTheWay
	if inTheWay == nil {
		inTheWay = isAlreadyExists
	}
	if err == nil || !inTheWay(err) {
		return err
	}
	if before != "" {
		return &notAdoptedError{err: err, kind: a.kind, typeName: a.typeName, id: a.importID, why: before}
	}
	o, getErr := a.existing(ctx)
	if getErr != nil {
		return fmt.Errorf("%w (reading the existing %s to see whether this apply created it: %v)", err, a.kind, getErr)
	}
	me, meErr := d.principal(ctx, w)
	if meErr != nil {
		return fmt.Errorf("%w (finding the calling principal to see whether this apply created it: %v)", err, meErr)
	}
	if why := o.notThisCreates(me, started); why != "" {
		return &notAdoptedError{err: err, kind: a.kind, typeName: a.typeName, id: a.importID, why: why}
	}
	tflog.Info(ctx, "adopted the object a retried create had already made", map[string]any{"kind": a.kind, "id": a.importID})
	return nil
}

// notThisCreates says why o cannot be this create's object, or "".
func (o origin) notThisCreates(me string, started time.Time) string {
	var why []string
	switch {
	case o.unattributed && !o.fresh:
		why = append(why, "it has been changed since it was created")
	case o.unattributed:
	case !o.timeOnly && o.createdBy != me:
		why = append(why, fmt.Sprintf("it was created by %q, not by this provider's principal %q", o.createdBy, me))
	case o.createdAt.Before(started.Add(-adoptSkew)):
		why = append(why, fmt.Sprintf("it was created at %s, before this create started (%s)", o.createdAt.UTC().Format(time.RFC3339), started.UTC().Format(time.RFC3339)))
	}
	if len(o.differs) > 0 {
		why = append(why, "it differs from the configuration in "+strings.Join(o.differs, ", "))
	}
	return strings.Join(why, "; ")
}

// notAdoptedError is an object in the way of a create that BrickOps will
// not take over.
type notAdoptedError struct {
	err                     error
	kind, typeName, id, why string
}

func (e *notAdoptedError) Unwrap() error { return e.err }

func (e *notAdoptedError) Error() string {
	return fmt.Sprintf("%v, and this create did not make it: %s. "+
		"BrickOps adopts an existing object only when it is provably this create's (see \"Lost answers\" in the provider docs). "+
		"To manage the existing %s with Terraform, import it into this resource (its address is on the \"with\" line Terraform prints with this error):\n"+
		"  terraform import %s.<name> '%s'", e.err, e.why, e.kind, e.typeName, e.id)
}

func isAlreadyExists(err error) bool {
	return errors.Is(err, apierr.ErrAlreadyExists) || errors.Is(err, apierr.ErrResourceAlreadyExists)
}

// isNameTaken recognises the INVALID_PARAMETER_VALUE some APIs answer
// for a name already in use ("Policy with name x already exists.").
func isNameTaken(err error) bool {
	return isAlreadyExists(err) || errors.Is(err, apierr.ErrInvalidParameterValue) && strings.Contains(err.Error(), "already exists")
}

// createOnceNew is createOnce for APIs that record an object's creator
// but not when it was created (SQL warehouses, instance pools). mine lists
// the IDs of the objects with this create's name made by the calling
// principal; it is asked before the create, and after a lost answer the
// one ID that was not there before is this create's object.
func createOnceNew(ctx context.Context, kind, name string, mine func(context.Context) ([]string, error), create func(context.Context) (string, error)) (string, error) {
	before, err := mine(ctx)
	if err != nil {
		return "", fmt.Errorf("listing the %ss named %q before creating one: %w", kind, name, err)
	}
	had := map[string]bool{}
	for _, id := range before {
		had[id] = true
	}
	var id string
	err = createOnce(ctx, func(ctx context.Context) (err error) {
		id, err = create(ctx)
		return err
	}, func(ctx context.Context, _ time.Time) (bool, error) {
		now, err := mine(ctx)
		if err != nil {
			return false, err
		}
		var fresh []string
		for _, c := range now {
			if !had[c] {
				fresh = append(fresh, c)
			}
		}
		var found bool
		id, found, err = theOne(fresh, kind, name)
		return found, err
	})
	return id, err
}

// theOne is the single object a create's evidence points to: none (false),
// one, or an error when several fit and this create's cannot be told.
func theOne[T any](fits []T, kind, name string) (T, bool, error) {
	var zero T
	switch len(fits) {
	case 0:
		return zero, false, nil
	case 1:
		return fits[0], true, nil
	}
	return zero, false, fmt.Errorf("%d %ss named %q fit (created by this provider's principal since this create started); cannot tell which is this one's", len(fits), kind, name)
}

// maxCreateAttempts bounds createOnce; each attempt after a lost answer
// first looks for the object the previous one may have made.
const maxCreateAttempts = 8

// createOnce runs a create that has neither an idempotency key nor a
// unique name (jobs, model versions) without letting the SDK retry it
// blindly. When an answer is lost it asks find for the object this create
// made (by natural evidence: name or source, creator, creation time no
// earlier than since) and retries only when there is none.
func createOnce(ctx context.Context, create func(context.Context) error, find func(ctx context.Context, since time.Time) (bool, error)) error {
	since := time.Now().Add(-adoptSkew)
	var err error
	for attempt := 1; attempt <= maxCreateAttempts; attempt++ {
		err = create(client.WithoutBlindRetry(ctx))
		var lost *client.UnansweredError
		if !errors.As(err, &lost) {
			return err
		}
		found, findErr := find(ctx, since)
		if findErr != nil {
			return fmt.Errorf("%w (looking for what it may have created: %v)", err, findErr)
		}
		if found {
			tflog.Info(ctx, "a create's answer was lost; adopted the object it made", map[string]any{"request": lost.Method + " " + lost.Path})
			return nil
		}
		wait := max(lost.RetryAfter, time.Duration(attempt)*time.Second)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
	return err
}

// principal is the calling user's or service principal's name, as objects
// record it in created_by / creator; asked once per provider.
func (d *providerData) principal(ctx context.Context, w *databricks.WorkspaceClient) (string, error) {
	d.meMu.Lock()
	defer d.meMu.Unlock()
	if d.me != "" {
		return d.me, nil
	}
	me, err := w.CurrentUser.Me(ctx)
	if err != nil {
		return "", err
	}
	d.me = me.UserName
	return d.me, nil
}

// millis turns an API's epoch milliseconds into a time.
func millis(ms int64) time.Time { return time.UnixMilli(ms) }

// differs lists the names whose planned and actual values are not equal;
// a planned value left empty (unset, computed) matches anything.
func differs(pairs ...[3]string) []string {
	var out []string
	for _, p := range pairs {
		if p[1] != "" && p[1] != p[2] {
			out = append(out, p[0])
		}
	}
	return out
}
