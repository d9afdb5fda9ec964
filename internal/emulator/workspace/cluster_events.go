package workspace

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Cluster events: POST /api/2.1/clusters/events. Shapes from
// databricks-sdk-go service/compute/model.go (GetEvents, GetEventsResponse,
// ClusterEvent, EventDetails, EventType). Each lifecycle change of a cluster
// records its event in the same transaction as the change; an asynchronous
// transition's event carries the time it is due and is listed from then on.

const clusterEventsBucket = "cluster_events"

// Event types the emulated lifecycle produces (compute.EventType).
const (
	eventCreating    = "CREATING"
	eventStarting    = "STARTING"
	eventRunning     = "RUNNING"
	eventRestarting  = "RESTARTING"
	eventResizing    = "RESIZING"
	eventUpsized     = "UPSIZE_COMPLETED"
	eventEdited      = "EDITED"
	eventTerminating = "TERMINATING"
	eventPinned      = "PINNED"
	eventUnpinned    = "UNPINNED"
)

// eventTypes is every compute.EventType, for validating event_types.
var eventTypes = []string{
	"ADD_NODES_FAILED", "AUTOMATIC_CLUSTER_UPDATE", "AUTOSCALING_BACKOFF", "AUTOSCALING_FAILED",
	"AUTOSCALING_STATS_REPORT", "CLUSTER_MIGRATED", "CREATING", "DBFS_DOWN", "DECOMMISSION_ENDED",
	"DECOMMISSION_STARTED", "DID_NOT_EXPAND_DISK", "DRIVER_HEALTHY", "DRIVER_NOT_RESPONDING",
	"DRIVER_UNAVAILABLE", "EDITED", "EXPANDED_DISK", "FAILED_TO_EXPAND_DISK", "INIT_SCRIPTS_FINISHED",
	"INIT_SCRIPTS_STARTED", "METASTORE_DOWN", "NODES_LOST", "NODE_BLACKLISTED",
	"NODE_EXCLUDED_DECOMMISSIONED", "PINNED", "RESIZING", "RESTARTING", "RUNNING", "SPARK_EXCEPTION",
	"STARTING", "TERMINATING", "UC_VOLUME_MISCONFIGURED", "UNPINNED", "UPSIZE_COMPLETED",
}

type clusterEventDetails struct {
	User              string             `json:"user,omitempty"`
	CurrentNumWorkers int                `json:"current_num_workers,omitempty"`
	TargetNumWorkers  int                `json:"target_num_workers,omitempty"`
	Reason            *terminationReason `json:"reason,omitempty"`
}

// clusterEvent is compute.ClusterEvent.
type clusterEvent struct {
	ClusterID string               `json:"cluster_id"`
	Timestamp int64                `json:"timestamp"`
	Type      string               `json:"type"`
	Details   *clusterEventDetails `json:"details,omitempty"`
}

// eventForState is the event a cluster entering state records; states
// without one (TERMINATED: the TERMINATING event carries the reason) give "".
func eventForState(state string) string {
	switch state {
	case statePending:
		return eventStarting
	case stateRunning:
		return eventRunning
	case stateRestarting:
		return eventRestarting
	case stateResizing:
		return eventResizing
	case stateTerminating:
		return eventTerminating
	}
	return ""
}

// record queues an event of c, stored by putCluster.
func (c *cluster) record(typ string, at int64, user string) {
	if typ == "" {
		return
	}
	d := &clusterEventDetails{User: user}
	switch typ {
	case eventTerminating:
		d.Reason = c.TerminationReason
	case eventRunning, eventUpsized, eventResizing, eventCreating, eventStarting:
		d.TargetNumWorkers = c.targetWorkers()
		if typ == eventRunning || typ == eventUpsized {
			d.CurrentNumWorkers = d.TargetNumWorkers
		}
	}
	c.events = append(c.events, clusterEvent{ClusterID: c.ClusterID, Timestamp: at, Type: typ, Details: d})
}

func (c *cluster) targetWorkers() int {
	switch {
	case c.NumWorkers != nil:
		return *c.NumWorkers
	case c.Autoscale != nil:
		return c.Autoscale.MinWorkers
	}
	return 0
}

// eventUser is who lifecycle events name as their cause.
func (s *Service) eventUser() string { return s.Options().UserName }

// putCluster stores c and the events its change recorded.
func putCluster(tx core.Tx, c cluster) error {
	for _, e := range c.events {
		seq, err := tx.NextSeq(clusterEventsBucket)
		if err != nil {
			return err
		}
		if err := tx.Put(clusterEventsBucket, fmt.Sprintf("%s/%016x", c.ClusterID, seq), e); err != nil {
			return fmt.Errorf("recording event %s of cluster %s: %w", e.Type, c.ClusterID, err)
		}
	}
	c.events = nil
	return tx.Put(ClustersBucket, c.ClusterID, c)
}

// deleteClusterEvents drops a permanently deleted cluster's events.
func deleteClusterEvents(tx core.Tx, id string) error {
	var keys []string
	if err := tx.ForEach(clusterEventsBucket, id+"/", func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(clusterEventsBucket, k); err != nil {
			return err
		}
	}
	return nil
}

// getEventsRequest is compute.GetEvents.
type getEventsRequest struct {
	ClusterID  string   `json:"cluster_id"`
	StartTime  int64    `json:"start_time,omitempty"`
	EndTime    int64    `json:"end_time,omitempty"`
	EventTypes []string `json:"event_types,omitempty"`
	Order      string   `json:"order,omitempty"`
	Offset     int64    `json:"offset,omitempty"`
	Limit      int64    `json:"limit,omitempty"`
	PageSize   int      `json:"page_size,omitempty"`
	PageToken  string   `json:"page_token,omitempty"`
}

// clusterEvents lists a cluster's events, newest first unless order is
// ASC. Pages follow the request's style: offset/limit answer next_page
// (the request for the next page, which the SDK iterator follows);
// page_size/page_token answer next_page_token.
func (s *Service) clusterEvents(r *http.Request) (any, error) {
	var req getEventsRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return nil, err
	}
	if err := core.OneOf("order", req.Order, []string{"ASC", "DESC"}); err != nil {
		return nil, err
	}
	for _, t := range req.EventTypes {
		if err := core.OneOf("event_types", t, eventTypes); err != nil {
			return nil, err
		}
	}
	switch {
	case req.Limit < 0 || req.Limit > 500:
		return nil, core.InvalidParam("limit must be between 0 and 500, got %d.", req.Limit)
	case req.Offset < 0:
		return nil, core.InvalidParam("offset must be non-negative, got %d.", req.Offset)
	case req.StartTime < 0 || req.EndTime < 0 || req.EndTime != 0 && req.EndTime < req.StartTime:
		return nil, core.InvalidParam("start_time and end_time must be non-negative epoch milliseconds, start_time at most end_time.")
	}
	now := s.Now().UnixMilli()
	end := req.EndTime
	if end == 0 || end > now {
		end = now
	}
	var events []clusterEvent
	err := s.Store().View(func(tx core.Tx) error {
		if _, err := loadCluster(tx, req.ClusterID); err != nil {
			return err
		}
		var err error
		events, err = core.GetAll[clusterEvent](tx, clusterEventsBucket, req.ClusterID+"/")
		return err
	})
	if err != nil {
		return nil, err
	}
	events = slices.DeleteFunc(events, func(e clusterEvent) bool {
		return e.Timestamp < req.StartTime || e.Timestamp > end ||
			len(req.EventTypes) > 0 && !slices.Contains(req.EventTypes, e.Type)
	})
	// Stored in recording order; events of the same millisecond keep it.
	if req.Order != "ASC" {
		slices.Reverse(events)
	}
	slices.SortStableFunc(events, func(a, b clusterEvent) int {
		if req.Order == "ASC" {
			return int(a.Timestamp - b.Timestamp)
		}
		return int(b.Timestamp - a.Timestamp)
	})
	out := map[string]any{"total_count": len(events)}
	if req.PageSize > 0 || req.PageToken != "" {
		offset, err := core.DecodePageToken(req.PageToken)
		if err != nil {
			return nil, err
		}
		size := req.PageSize
		if size <= 0 || size > 500 {
			size = 50
		}
		lo, hi := min(offset, len(events)), min(offset+size, len(events))
		out["events"] = events[lo:hi]
		if hi < len(events) {
			// next_page too: "the parameters necessary to request the
			// next page", which the SDK's iterator follows.
			next := req
			next.PageToken, next.PageSize = core.PageToken(hi), size
			out["next_page_token"], out["next_page"] = next.PageToken, next
		}
		if lo > 0 {
			out["prev_page_token"] = core.PageToken(max(0, lo-size))
		}
		return out, nil
	}
	limit := int(req.Limit)
	if limit == 0 {
		limit = 50
	}
	lo, hi := min(int(req.Offset), len(events)), min(int(req.Offset)+limit, len(events))
	out["events"] = events[lo:hi]
	if hi < len(events) {
		next := req
		next.Offset = int64(hi)
		next.Limit = int64(limit)
		next.EndTime = end
		out["next_page"] = next
	}
	return out, nil
}
