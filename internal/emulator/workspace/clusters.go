package workspace

import (
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Clusters: /api/2.1/clusters/*. Field names, enums and lifecycle follow the
// Clusters API reference and databricks-sdk-go service/compute/model.go
// (ClusterDetails, CreateCluster, EditCluster, State).
//
// Lifecycle: create → PENDING → RUNNING; edit of a RUNNING cluster →
// RESTARTING → RUNNING; resize → RESIZING → RUNNING; delete (terminate) →
// TERMINATING → TERMINATED; start → PENDING → RUNNING; permanent-delete
// removes it. Each arrow after the first takes Options.AsyncDelay.

const ClustersBucket = "clusters"

// clusterTokensBucket maps an idempotency token to the cluster last created
// with it, so that a create finds its duplicate without scanning every
// cluster (which made large applies quadratic).
const clusterTokensBucket = "cluster_idempotency_tokens"

// Cluster states (compute.State).
const (
	statePending     = "PENDING"
	stateRunning     = "RUNNING"
	stateRestarting  = "RESTARTING"
	stateResizing    = "RESIZING"
	stateTerminating = "TERMINATING"
	stateTerminated  = "TERMINATED"
)

// Enums the API validates (compute.DataSecurityMode, compute.RuntimeEngine).
var (
	dataSecurityModes = []string{
		"DATA_SECURITY_MODE_AUTO", "DATA_SECURITY_MODE_DEDICATED", "DATA_SECURITY_MODE_STANDARD",
		"LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER", "LEGACY_SINGLE_USER_STANDARD", "LEGACY_TABLE_ACL",
		"NONE", "SINGLE_USER", "USER_ISOLATION",
	}
	runtimeEngines = []string{"NULL", "PHOTON", "STANDARD"}
	// compute.AzureAvailability, compute.Kind and compute.State.
	azureAvailabilities = []string{"ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"}
	clusterKinds        = []string{"CLASSIC_PREVIEW"}
	clusterStates       = []string{"ERROR", "PENDING", "RESIZING", "RESTARTING", "RUNNING", "TERMINATED", "TERMINATING", "UNKNOWN"}
	// compute.ClusterSource.
	clusterSources = []string{"API", "JOB", "MODELS", "PIPELINE", "PIPELINE_MAINTENANCE", "SQL", "UI"}
	// Default tags are set by the service and may not be overridden.
	reservedClusterTags = []string{"Vendor", "Creator", "ClusterName", "ClusterId"}
)

type autoScale struct {
	MinWorkers int `json:"min_workers"`
	MaxWorkers int `json:"max_workers"`
}

type azureAttributes struct {
	Availability    string  `json:"availability,omitempty"`
	FirstOnDemand   int     `json:"first_on_demand,omitempty"`
	SpotBidMaxPrice float64 `json:"spot_bid_max_price,omitempty"`
}

// clusterSpec is what create and edit accept (compute.CreateCluster / EditCluster).
type clusterSpec struct {
	ClusterName            string            `json:"cluster_name,omitempty"`
	SparkVersion           string            `json:"spark_version,omitempty"`
	NodeTypeID             string            `json:"node_type_id,omitempty"`
	DriverNodeTypeID       string            `json:"driver_node_type_id,omitempty"`
	NumWorkers             *int              `json:"num_workers,omitempty"`
	Autoscale              *autoScale        `json:"autoscale,omitempty"`
	AutoterminationMinutes *int              `json:"autotermination_minutes,omitempty"`
	CustomTags             map[string]string `json:"custom_tags,omitempty"`
	SparkConf              map[string]string `json:"spark_conf,omitempty"`
	SparkEnvVars           map[string]string `json:"spark_env_vars,omitempty"`
	DataSecurityMode       string            `json:"data_security_mode,omitempty"`
	SingleUserName         string            `json:"single_user_name,omitempty"`
	PolicyID               string            `json:"policy_id,omitempty"`
	RuntimeEngine          string            `json:"runtime_engine,omitempty"`
	InstancePoolID         string            `json:"instance_pool_id,omitempty"`
	EnableElasticDisk      *bool             `json:"enable_elastic_disk,omitempty"`
	AzureAttributes        *azureAttributes  `json:"azure_attributes,omitempty"`
	SSHPublicKeys          []string          `json:"ssh_public_keys,omitempty"`
	IsSingleNode           bool              `json:"is_single_node,omitempty"`
	Kind                   string            `json:"kind,omitempty"`
}

type terminationReason struct {
	Code       string            `json:"code"`
	Type       string            `json:"type"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// cluster is the stored document and, flattened, the get/list answer
// (compute.ClusterDetails).
type cluster struct {
	clusterSpec
	ClusterID         string             `json:"cluster_id"`
	State             string             `json:"state"`
	StateMessage      string             `json:"state_message"`
	CreatorUserName   string             `json:"creator_user_name"`
	ClusterSource     string             `json:"cluster_source"`
	DefaultTags       map[string]string  `json:"default_tags"`
	StartTime         int64              `json:"start_time"`
	TerminatedTime    int64              `json:"terminated_time,omitempty"`
	LastRestartedTime int64              `json:"last_restarted_time,omitempty"`
	TerminationReason *terminationReason `json:"termination_reason,omitempty"`
	ClusterMemoryMb   int64              `json:"cluster_memory_mb,omitempty"`
	ClusterCores      float64            `json:"cluster_cores,omitempty"`
	SparkContextID    int64              `json:"spark_context_id,omitempty"`
	JdbcPort          int                `json:"jdbc_port,omitempty"`
	Spec              *clusterSpec       `json:"spec,omitempty"`
	// Next is the pending asynchronous transition, applied by the first
	// read or write after it is due. Not part of the API answer.
	Next *transition `json:"_next,omitempty"`
	// IdempotencyToken is the create request's token. Not part of the answer.
	IdempotencyToken string `json:"_idempotency_token,omitempty"`
	// Pinned: clusters/pin keeps the cluster listed after it is deleted.
	// ClusterDetails has no such field; clients find pinned clusters with
	// clusters/list filter_by.is_pinned. Not part of the answer.
	Pinned bool `json:"_pinned,omitempty"`
	// events are recorded with this change (cluster_events.go); not stored
	// in the document.
	events []clusterEvent
}

// transition moves an object to State (with Message) at At (unix ms).
type transition struct {
	State   string `json:"state"`
	Message string `json:"message"`
	At      int64  `json:"at"`
}

// settle applies c's pending transition if it is due at now.
func (c *cluster) settle(now time.Time) {
	if c.Next == nil || now.UnixMilli() < c.Next.At {
		return
	}
	c.State, c.StateMessage = c.Next.State, c.Next.Message
	if c.State == stateTerminated {
		c.TerminatedTime = c.Next.At
	}
	c.Next = nil
}

// moveTo puts c into the intermediate state now and schedules final,
// recording the cluster events of both (the final one timestamped when it
// is due, so clusters/events shows it only then).
func (s *Service) moveTo(c *cluster, state, message, final, finalMessage string) {
	c.State, c.StateMessage = state, message
	c.Next = &transition{State: final, Message: finalMessage, At: s.Now().Add(s.Options().AsyncDelay).UnixMilli()}
	c.record(eventForState(state), s.Now().UnixMilli(), s.eventUser())
	c.record(eventForState(final), c.Next.At, "")
}

// view is the API answer: the stored document without emulator bookkeeping.
func (c cluster) view() cluster {
	c.Next, c.IdempotencyToken, c.Pinned, c.events = nil, "", false, nil
	if c.DriverNodeTypeID == "" {
		// The driver defaults to the worker node type.
		c.DriverNodeTypeID = c.NodeTypeID
	}
	// An autoscaling cluster's answer has no num_workers (its size is in
	// autoscale), as in production; clients that diff num_workers against
	// their configuration rely on that.
	return c
}

// createCluster honours idempotency_token: while an active (not
// terminated) cluster created with the same token exists, create returns
// its id instead of making another (Clusters API reference, create).
func (s *Service) createCluster(r *http.Request) (any, error) {
	var req struct {
		clusterSpec
		IdempotencyToken string `json:"idempotency_token"`
		// ClusterName shadows the spec's to tell an absent name (allowed:
		// the cluster is then unnamed) from a sent empty one (refused).
		ClusterName *string `json:"cluster_name"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateClusterName(req.ClusterName); err != nil {
		return nil, err
	}
	if len(req.IdempotencyToken) > 64 {
		return nil, core.InvalidParam("idempotency_token must be at most 64 characters long.")
	}
	spec := req.clusterSpec
	if req.ClusterName != nil {
		spec.ClusterName = *req.ClusterName
	}
	if err := validateClusterSpec(&spec); err != nil {
		return nil, err
	}
	now := s.Now()
	c := cluster{
		clusterSpec:      spec,
		ClusterID:        newClusterID(now),
		CreatorUserName:  s.Options().UserName,
		ClusterSource:    "API",
		StartTime:        now.UnixMilli(),
		SparkContextID:   now.UnixNano() & 0x7fffffffffff,
		JdbcPort:         10000,
		IdempotencyToken: req.IdempotencyToken,
	}
	specCopy := spec
	c.Spec = &specCopy
	c.DefaultTags = map[string]string{
		"Vendor": "Databricks", "Creator": s.Options().UserName, "ClusterName": spec.ClusterName, "ClusterId": c.ClusterID,
	}
	c.sizeFromNodeType()
	s.moveTo(&c, statePending, "Finding instances for new nodes, acquiring more instances if necessary", stateRunning, "")
	c.events[0].Type = eventCreating
	id := c.ClusterID
	err := s.Store().Update(func(tx core.Tx) error {
		if req.IdempotencyToken != "" {
			existing, found, err := clusterByToken(tx, req.IdempotencyToken)
			if err != nil {
				return err
			}
			if found {
				existing.settle(now)
				if existing.State != stateTerminated && existing.State != stateTerminating {
					id = existing.ClusterID
					return nil
				}
			}
			if err := tx.Put(clusterTokensBucket, req.IdempotencyToken, c.ClusterID); err != nil {
				return err
			}
		}
		return putCluster(tx, c)
	})
	if err != nil {
		return nil, fmt.Errorf("storing cluster: %w", err)
	}
	return map[string]string{"cluster_id": id}, nil
}

// clusterByToken returns the cluster last created with token, if it still
// exists.
func clusterByToken(tx core.Tx, token string) (cluster, bool, error) {
	var id string
	found, err := tx.Get(clusterTokensBucket, token, &id)
	if err != nil || !found {
		return cluster{}, false, err
	}
	var c cluster
	found, err = tx.Get(ClustersBucket, id, &c)
	return c, found, err
}

func (s *Service) getCluster(r *http.Request) (any, error) {
	id := r.URL.Query().Get("cluster_id")
	if err := core.RequireString("cluster_id", id); err != nil {
		return nil, err
	}
	var c cluster
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		c, err = loadCluster(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.settle(s.Now())
	return c.view(), nil
}

func (s *Service) listClusters(r *http.Request) (any, error) {
	var all []cluster
	if err := s.Store().View(func(tx core.Tx) error {
		var err error
		all, err = core.GetAll[cluster](tx, ClustersBucket, "")
		return err
	}); err != nil {
		return nil, err
	}
	filter, err := clusterListFilter(r)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]cluster, 0, len(all))
	for _, c := range all {
		c.settle(now)
		if !filter.matches(c) {
			continue
		}
		out = append(out, c.view())
	}
	// The real API lists most recently started first.
	slices.SortStableFunc(out, func(a, b cluster) int { return int(b.StartTime - a.StartTime) })
	items, next, err := core.Page(r, out, 0, 100)
	if err != nil {
		return nil, err
	}
	return map[string]any{"clusters": items, "next_page_token": next}, nil
}

// clusterFilter is clusters/list's filter_by (compute.ListClustersFilterBy),
// sent as query parameters filter_by.<field>.
type clusterFilter struct {
	states, sources []string
	pinnedOnly      bool
	policyID        string
}

func clusterListFilter(r *http.Request) (clusterFilter, error) {
	q := r.URL.Query()
	f := clusterFilter{
		states:   q["filter_by.cluster_states"],
		sources:  q["filter_by.cluster_sources"],
		policyID: q.Get("filter_by.policy_id"),
	}
	for _, st := range f.states {
		if err := core.OneOf("filter_by.cluster_states", st, clusterStates); err != nil {
			return f, err
		}
	}
	for _, src := range f.sources {
		if err := core.OneOf("filter_by.cluster_sources", src, clusterSources); err != nil {
			return f, err
		}
	}
	if v := q.Get("filter_by.is_pinned"); v != "" {
		pinned, err := strconv.ParseBool(v)
		if err != nil {
			return f, core.InvalidParam("Invalid filter_by.is_pinned %q: expected true or false.", v)
		}
		f.pinnedOnly = pinned
	}
	return f, nil
}

func (f clusterFilter) matches(c cluster) bool {
	switch {
	case len(f.states) > 0 && !slices.Contains(f.states, c.State),
		len(f.sources) > 0 && !slices.Contains(f.sources, c.ClusterSource),
		f.pinnedOnly && !c.Pinned,
		f.policyID != "" && c.PolicyID != f.policyID:
		return false
	}
	return true
}

// pinCluster and unpinCluster: a pinned cluster stays in the list after
// termination; the answer is empty (compute.PinCluster, UnpinCluster).
func (s *Service) pinCluster(r *http.Request) (any, error) {
	return s.clusterAction(r, func(c *cluster) error {
		if !c.Pinned {
			c.Pinned = true
			c.record(eventPinned, s.Now().UnixMilli(), s.eventUser())
		}
		return nil
	})
}

func (s *Service) unpinCluster(r *http.Request) (any, error) {
	return s.clusterAction(r, func(c *cluster) error {
		if c.Pinned {
			c.Pinned = false
			c.record(eventUnpinned, s.Now().UnixMilli(), s.eventUser())
		}
		return nil
	})
}

func (s *Service) editCluster(r *http.Request) (any, error) {
	var req struct {
		ClusterID string `json:"cluster_id"`
		clusterSpec
		ClusterName *string `json:"cluster_name"` // as in createCluster
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return nil, err
	}
	if err := validateClusterName(req.ClusterName); err != nil {
		return nil, err
	}
	if req.ClusterName != nil {
		req.clusterSpec.ClusterName = *req.ClusterName
	}
	if err := validateClusterSpec(&req.clusterSpec); err != nil {
		return nil, err
	}
	return s.updateCluster(req.ClusterID, func(c *cluster) error {
		switch c.State {
		case stateRunning:
			// Editing a running cluster restarts it with the new spec.
			s.moveTo(c, stateRestarting, "Restarting Spark and cluster nodes to apply the new configuration.", stateRunning, "")
			c.LastRestartedTime = s.Now().UnixMilli()
		case stateTerminated:
			// A terminated cluster stays terminated; the new spec applies at next start.
		default:
			return unexpectedState(c)
		}
		c.record(eventEdited, s.Now().UnixMilli(), s.eventUser())
		// Edit replaces the whole spec: fields left out are reset.
		c.clusterSpec = req.clusterSpec
		spec := req.clusterSpec
		c.Spec = &spec
		c.DefaultTags["ClusterName"] = req.clusterSpec.ClusterName
		c.sizeFromNodeType()
		return nil
	})
}

func (s *Service) resizeCluster(r *http.Request) (any, error) {
	var req struct {
		ClusterID  string     `json:"cluster_id"`
		NumWorkers *int       `json:"num_workers"`
		Autoscale  *autoScale `json:"autoscale"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return nil, err
	}
	if req.NumWorkers == nil && req.Autoscale == nil {
		return nil, core.InvalidParam("Exactly one of num_workers or autoscale must be specified")
	}
	probe := clusterSpec{NumWorkers: req.NumWorkers, Autoscale: req.Autoscale}
	if err := validateSize(&probe); err != nil {
		return nil, err
	}
	return s.updateCluster(req.ClusterID, func(c *cluster) error {
		if c.State != stateRunning {
			return unexpectedState(c)
		}
		c.NumWorkers, c.Autoscale = req.NumWorkers, req.Autoscale
		c.Spec.NumWorkers, c.Spec.Autoscale = req.NumWorkers, req.Autoscale
		c.sizeFromNodeType()
		s.moveTo(c, stateResizing, "Resizing the cluster.", stateRunning, "")
		return nil
	})
}

func (s *Service) startCluster(r *http.Request) (any, error) {
	return s.clusterAction(r, func(c *cluster) error {
		if c.State != stateTerminated {
			return unexpectedState(c)
		}
		c.TerminationReason, c.TerminatedTime = nil, 0
		c.StartTime = s.Now().UnixMilli()
		s.moveTo(c, statePending, "Starting Spark and acquiring instances.", stateRunning, "")
		return nil
	})
}

func (s *Service) restartCluster(r *http.Request) (any, error) {
	return s.clusterAction(r, func(c *cluster) error {
		if c.State != stateRunning {
			return unexpectedState(c)
		}
		c.LastRestartedTime = s.Now().UnixMilli()
		s.moveTo(c, stateRestarting, "Restarting Spark.", stateRunning, "")
		return nil
	})
}

// deleteCluster terminates; the cluster stays listed as TERMINATED.
func (s *Service) deleteCluster(r *http.Request) (any, error) {
	return s.clusterAction(r, func(c *cluster) error {
		s.terminate(c)
		return nil
	})
}

func (s *Service) terminate(c *cluster) {
	if c.State == stateTerminated || c.State == stateTerminating {
		return
	}
	c.TerminationReason = &terminationReason{
		Code: "USER_REQUEST", Type: "SUCCESS",
		Parameters: map[string]string{"username": s.Options().UserName},
	}
	s.moveTo(c, stateTerminating, "Terminating the cluster at the user's request.", stateTerminated, "Terminated by user request.")
}

func (s *Service) permanentDeleteCluster(r *http.Request) (any, error) {
	var req struct {
		ClusterID string `json:"cluster_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return nil, err
	}
	err := s.Store().Update(func(tx core.Tx) error {
		c, err := loadCluster(tx, req.ClusterID)
		if err != nil {
			return err
		}
		if c.Pinned {
			// Production refuses, and clients (the official provider's
			// delete) unpin on this message and try again.
			return core.InvalidParam("Cluster %s is pinned and cannot be permanently deleted: unpin the cluster first.", req.ClusterID)
		}
		if err := deleteClusterEvents(tx, req.ClusterID); err != nil {
			return err
		}
		if err := tx.Delete(clusterLibrariesBucket, req.ClusterID); err != nil {
			return err
		}
		return tx.Delete(ClustersBucket, req.ClusterID)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// clusterAction decodes {"cluster_id"} and applies fn to that cluster.
func (s *Service) clusterAction(r *http.Request, fn func(c *cluster) error) (any, error) {
	var req struct {
		ClusterID string `json:"cluster_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return nil, err
	}
	return s.updateCluster(req.ClusterID, fn)
}

// updateCluster loads, settles, mutates and stores a cluster in one
// transaction, so concurrent edits serialise.
func (s *Service) updateCluster(id string, fn func(c *cluster) error) (any, error) {
	err := s.Store().Update(func(tx core.Tx) error {
		c, err := loadCluster(tx, id)
		if err != nil {
			return err
		}
		c.settle(s.Now())
		if err := fn(&c); err != nil {
			return err
		}
		return putCluster(tx, c)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// loadCluster answers an unknown id the way the real API does: 400
// INVALID_PARAMETER_VALUE "Cluster <id> does not exist", which the SDK maps
// to ErrResourceDoesNotExist (apierr/error_overrides.go).
func loadCluster(tx core.Tx, id string) (cluster, error) {
	var c cluster
	found, err := tx.Get(ClustersBucket, id, &c)
	if err != nil {
		return c, err
	}
	if !found {
		return c, core.InvalidParam("Cluster %s does not exist", id)
	}
	return c, nil
}

func unexpectedState(c *cluster) error {
	return core.InvalidState("Cluster %s is in unexpected state %s.", c.ClusterID, titleCase(c.State))
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}

// validateClusterName: a cluster_name that is sent (clusters/create and
// edit) must be visible — not empty, not blank, no control characters
// (NUL, tab, newline). Leaving it out is allowed, as in the API reference.
func validateClusterName(sent *string) error {
	if sent == nil {
		return nil
	}
	name := *sent
	if strings.TrimSpace(name) == "" {
		return core.InvalidParam("Missing required field: cluster_name (it must not be empty or blank).")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return core.InvalidParam("Invalid cluster_name %q: it must not contain control characters.", name)
	}
	return nil
}

func validateClusterSpec(spec *clusterSpec) error {
	if err := core.RequireString("spark_version", spec.SparkVersion); err != nil {
		return err
	}
	if _, ok := sparkVersionByKey(spec.SparkVersion); !ok {
		return core.InvalidParam("Invalid spark version %s.", spec.SparkVersion)
	}
	if len(spec.ClusterName) > 100 {
		return core.InvalidParam("Cluster name must be at most 100 characters long, got %d.", len(spec.ClusterName))
	}
	if spec.NodeTypeID == "" && spec.InstancePoolID == "" {
		return core.InvalidParam("Missing required field: node_type_id")
	}
	for _, nt := range []string{spec.NodeTypeID, spec.DriverNodeTypeID} {
		if _, ok := nodeTypeByID(nt); nt != "" && !ok {
			return core.InvalidParam("Node type %s is not supported. Use /api/2.1/clusters/list-node-types to list the node types available in this workspace.", nt)
		}
	}
	if err := validateSize(spec); err != nil {
		return err
	}
	if m := spec.AutoterminationMinutes; m != nil && *m != 0 && (*m < 10 || *m > 10000) {
		return core.InvalidParam("Automatic termination minutes must be between 10 and 10000, or 0 to disable; got %d.", *m)
	}
	if err := core.OneOf("data_security_mode", spec.DataSecurityMode, dataSecurityModes); err != nil {
		return err
	}
	if spec.DataSecurityMode == "SINGLE_USER" && spec.SingleUserName == "" {
		return core.InvalidParam("single_user_name is required when data_security_mode is SINGLE_USER.")
	}
	if err := core.OneOf("runtime_engine", spec.RuntimeEngine, runtimeEngines); err != nil {
		return err
	}
	if err := core.OneOf("kind", spec.Kind, clusterKinds); err != nil {
		return err
	}
	if a := spec.AzureAttributes; a != nil {
		if err := core.OneOf("azure_attributes.availability", a.Availability, azureAvailabilities); err != nil {
			return err
		}
	}
	return validateCustomTags(spec.CustomTags)
}

// validateCustomTags applies the rules clusters and instance pools share
// for custom_tags: no reserved default-tag key, keys 1-127 and values at
// most 255 characters.
func validateCustomTags(tags map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if slices.Contains(reservedClusterTags, k) {
			return core.InvalidParam("Custom tag key %q is reserved for default tags.", k)
		}
		if k == "" || len(k) > 127 || len(tags[k]) > 255 {
			return core.InvalidParam("Custom tag %q: keys must be 1-127 and values at most 255 characters.", k)
		}
	}
	return nil
}

func validateSize(spec *clusterSpec) error {
	if spec.NumWorkers != nil && spec.Autoscale != nil {
		return core.InvalidParam("Only one of num_workers and autoscale may be specified.")
	}
	if n := spec.NumWorkers; n != nil && *n < 0 {
		return core.InvalidParam("num_workers must be non-negative, got %d.", *n)
	}
	if a := spec.Autoscale; a != nil {
		if a.MinWorkers < 0 || a.MaxWorkers < 1 || a.MinWorkers > a.MaxWorkers {
			return core.InvalidParam("Invalid autoscale: min_workers (%d) must be non-negative and at most max_workers (%d), and max_workers at least 1.", a.MinWorkers, a.MaxWorkers)
		}
	}
	return nil
}

// sizeFromNodeType fills the computed size fields from the node catalogue.
func (c *cluster) sizeFromNodeType() {
	nt, ok := nodeTypeByID(c.NodeTypeID)
	if !ok {
		return
	}
	workers := 0
	if c.NumWorkers != nil {
		workers = *c.NumWorkers
	} else if c.Autoscale != nil {
		workers = c.Autoscale.MinWorkers
	}
	c.ClusterMemoryMb = int64(nt.MemoryMb * (workers + 1))
	c.ClusterCores = nt.NumCores * float64(workers+1)
}

// newClusterID makes an id shaped like the real ones: MMDD-HHMMSS-xxxxxxxx.
func newClusterID(now time.Time) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return now.UTC().Format("0102-150405") + "-" + string(b)
}

func (s *Service) sparkVersions(r *http.Request) (any, error) {
	return map[string]any{"versions": sparkVersionCatalog}, nil
}

func (s *Service) listNodeTypes(r *http.Request) (any, error) {
	return map[string]any{"node_types": nodeTypeCatalog}, nil
}
