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
// Catalog securables, serving endpoints, online tables, monitors) go
// through createOrAdopt; creates with no key at all (jobs, model
// versions) through createOnce. The rule is documented in the provider's
// index page ("Lost answers").

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
}

// createOrAdopt runs a create that has no idempotency key. When it fails
// because the object already exists, it adopts the object if it is provably
// this create's — made by the calling principal, no earlier than the
// create started, and matching the plan — and otherwise fails with an
// error that says how to import it.
func (d *providerData) createOrAdopt(ctx context.Context, w *databricks.WorkspaceClient, a adoption) error {
	started := time.Now()
	err := a.create(ctx)
	if err == nil || !isAlreadyExists(err) {
		return err
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
	case o.createdBy != me:
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
