package workspace

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// SQL warehouses: /api/2.0/sql/warehouses. Fields and enums follow
// databricks-sdk-go service/sql/model.go (CreateWarehouseRequest,
// EditWarehouseRequest, GetWarehouseResponse, EndpointInfo, State,
// SpotInstancePolicy, ChannelName, CreateWarehouseRequestWarehouseType);
// paths follow service/sql/impl.go (warehousesImpl).
//
// Lifecycle, each arrow Options.AsyncDelay: create → STARTING → RUNNING;
// stop → STOPPING → STOPPED; start → STARTING → RUNNING; an edit of a
// running warehouse restarts it (STARTING → RUNNING); delete → DELETING →
// DELETED (still readable, as in production, never listed). A RUNNING
// warehouse stops by itself auto_stop_mins after it started (0: never), on
// the emulator clock.

const WarehousesBucket = "sql_warehouses"

// Warehouse states (sql.State).
const (
	whStarting = "STARTING"
	whRunning  = "RUNNING"
	whStopping = "STOPPING"
	whStopped  = "STOPPED"
	whDeleting = "DELETING"
	whDeleted  = "DELETED"
)

var (
	warehouseSizes        = []string{"2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large", "5X-Large"}
	warehouseTypes        = []string{"TYPE_UNSPECIFIED", "CLASSIC", "PRO"}
	spotInstancePolicies  = []string{"POLICY_UNSPECIFIED", "COST_OPTIMIZED", "RELIABILITY_OPTIMIZED"}
	warehouseChannelNames = []string{"CHANNEL_NAME_UNSPECIFIED", "CHANNEL_NAME_CURRENT", "CHANNEL_NAME_PREVIEW", "CHANNEL_NAME_PREVIOUS", "CHANNEL_NAME_CUSTOM"}
)

// maxWarehouseClusters is the API's upper bound on max_num_clusters.
const maxWarehouseClusters = 40

type warehouseChannel struct {
	Name         string `json:"name,omitempty"`
	DbsqlVersion string `json:"dbsql_version,omitempty"`
}

type warehouseTags struct {
	CustomTags []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"custom_tags,omitempty"`
}

// warehouseSettings are the fields create and edit take.
type warehouseSettings struct {
	Name                    string            `json:"name"`
	ClusterSize             string            `json:"cluster_size"`
	MinNumClusters          *int              `json:"min_num_clusters,omitempty"`
	MaxNumClusters          *int              `json:"max_num_clusters,omitempty"`
	AutoStopMins            *int              `json:"auto_stop_mins,omitempty"`
	EnablePhoton            *bool             `json:"enable_photon,omitempty"`
	EnableServerlessCompute bool              `json:"enable_serverless_compute"`
	WarehouseType           string            `json:"warehouse_type,omitempty"`
	SpotInstancePolicy      string            `json:"spot_instance_policy,omitempty"`
	Channel                 *warehouseChannel `json:"channel,omitempty"`
	Tags                    *warehouseTags    `json:"tags,omitempty"`
	CreatorName             string            `json:"creator_name,omitempty"`
	InstanceProfileArn      string            `json:"instance_profile_arn,omitempty"`
}

type odbcParams struct {
	Hostname string `json:"hostname"`
	Path     string `json:"path"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

type warehouseHealth struct {
	Status  string `json:"status"`
	Summary string `json:"summary,omitempty"`
}

// warehouse is the stored document; view strips the bookkeeping.
type warehouse struct {
	warehouseSettings
	ID                string           `json:"id"`
	State             string           `json:"state"`
	NumClusters       int              `json:"num_clusters"`
	NumActiveSessions int64            `json:"num_active_sessions"`
	JdbcURL           string           `json:"jdbc_url"`
	OdbcParams        *odbcParams      `json:"odbc_params"`
	Health            *warehouseHealth `json:"health,omitempty"`
	Next              *transition      `json:"next,omitempty"`
	StartedAt         int64            `json:"started_at,omitempty"`
}

// validate checks settings as the API does and fills its defaults.
func (w *warehouseSettings) validate() error {
	if err := core.RequireString("name", w.Name); err != nil {
		return err
	}
	if len(w.Name) > 100 {
		return core.InvalidParam("Warehouse name must be at most 100 characters, got %d.", len(w.Name))
	}
	if err := core.RequireString("cluster_size", w.ClusterSize); err != nil {
		return err
	}
	if err := core.OneOf("cluster_size", w.ClusterSize, warehouseSizes); err != nil {
		return err
	}
	if err := core.OneOf("warehouse_type", w.WarehouseType, warehouseTypes); err != nil {
		return err
	}
	if err := core.OneOf("spot_instance_policy", w.SpotInstancePolicy, spotInstancePolicies); err != nil {
		return err
	}
	if w.Channel != nil {
		if err := core.OneOf("channel.name", w.Channel.Name, warehouseChannelNames); err != nil {
			return err
		}
	}
	def := func(p **int, v int) {
		if *p == nil {
			*p = &v
		}
	}
	def(&w.MinNumClusters, 1)
	def(&w.MaxNumClusters, 1)
	def(&w.AutoStopMins, 120)
	if w.EnablePhoton == nil {
		t := true
		w.EnablePhoton = &t
	}
	if w.WarehouseType == "" || w.WarehouseType == "TYPE_UNSPECIFIED" {
		w.WarehouseType = "CLASSIC"
		if w.EnableServerlessCompute {
			w.WarehouseType = "PRO"
		}
	}
	if w.SpotInstancePolicy == "" || w.SpotInstancePolicy == "POLICY_UNSPECIFIED" {
		w.SpotInstancePolicy = "COST_OPTIMIZED"
	}
	if w.Channel == nil || w.Channel.Name == "" {
		w.Channel = &warehouseChannel{Name: "CHANNEL_NAME_CURRENT"}
	}
	minC, maxC, stop := *w.MinNumClusters, *w.MaxNumClusters, *w.AutoStopMins
	switch {
	case minC < 1 || maxC < 1:
		return core.InvalidParam("min_num_clusters and max_num_clusters must be at least 1.")
	case maxC > maxWarehouseClusters:
		return core.InvalidParam("max_num_clusters must be at most %d, got %d.", maxWarehouseClusters, maxC)
	case minC > maxC:
		return core.InvalidParam("min_num_clusters (%d) must be less than or equal to max_num_clusters (%d).", minC, maxC)
	case w.EnableServerlessCompute && w.WarehouseType != "PRO":
		return core.InvalidParam("Serverless compute requires warehouse_type PRO, got %s.", w.WarehouseType)
	case stop < 0:
		return core.InvalidParam("auto_stop_mins must be non-negative, got %d.", stop)
	case stop != 0 && stop < 10 && !w.EnableServerlessCompute:
		return core.InvalidParam("auto_stop_mins must be 0 or at least 10 for a non-serverless warehouse, got %d.", stop)
	}
	return nil
}

func newWarehouseID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// settle applies the due transition, then the auto stop.
func (w *warehouse) settle(now time.Time) {
	if w.Next != nil && now.UnixMilli() >= w.Next.At {
		w.State, w.StartedAt, w.Next = w.Next.State, w.Next.At, nil
	}
	if w.State == whRunning && *w.AutoStopMins > 0 && now.Sub(time.UnixMilli(w.StartedAt)) >= time.Duration(*w.AutoStopMins)*time.Minute {
		w.State = whStopped
	}
	w.NumClusters, w.Health = 0, nil
	if w.State == whRunning {
		w.NumClusters, w.Health = *w.MinNumClusters, &warehouseHealth{Status: "HEALTHY"}
	}
}

func (s *Service) moveWarehouse(w *warehouse, state, final string) {
	w.State, w.Next = state, &transition{State: final, At: s.Now().Add(s.Options().AsyncDelay).UnixMilli()}
}

func (w warehouse) view() warehouse {
	w.Next, w.StartedAt = nil, 0
	return w
}

func (s *Service) createWarehouse(r *http.Request) (any, error) {
	var req warehouseSettings
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	req.CreatorName = s.Options().UserName
	id := newWarehouseID()
	path := "/sql/1.0/warehouses/" + id
	w := warehouse{
		warehouseSettings: req, ID: id,
		JdbcURL:    fmt.Sprintf("jdbc:spark://%s:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=%s;", r.Host, path),
		OdbcParams: &odbcParams{Hostname: r.Host, Path: path, Port: 443, Protocol: "https"},
	}
	s.moveWarehouse(&w, whStarting, whRunning)
	err := s.Store().Update(func(tx core.Tx) error {
		all, err := core.GetAll[warehouse](tx, WarehousesBucket, "")
		if err != nil {
			return err
		}
		if slices.ContainsFunc(all, func(o warehouse) bool { return o.Name == req.Name && o.State != whDeleted && o.State != whDeleting }) {
			return core.InvalidParam("SQL warehouse with name `%s` already exists. Please choose a different name.", req.Name)
		}
		return tx.Put(WarehousesBucket, id, w)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": id}, nil
}

func loadWarehouse(tx core.Tx, id string) (warehouse, error) {
	var w warehouse
	found, err := tx.Get(WarehousesBucket, id, &w)
	if err == nil && !found {
		err = core.NotFound("Unable to find SQL warehouse %s.", id)
	}
	return w, err
}

func (s *Service) getWarehouse(r *http.Request) (any, error) {
	var w warehouse
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		w, err = loadWarehouse(tx, r.PathValue("id"))
		return err
	})
	if err != nil {
		return nil, err
	}
	w.settle(s.Now())
	return w.view(), nil
}

func (s *Service) listWarehouses(r *http.Request) (any, error) {
	all, err := UCList[warehouse](s, WarehousesBucket, "")
	if err != nil {
		return nil, err
	}
	out := []warehouse{}
	for _, w := range all {
		w.settle(s.Now())
		if w.State != whDeleted {
			out = append(out, w.view())
		}
	}
	return map[string]any{"warehouses": out}, nil
}

// updateWarehouse loads, settles, applies fn and stores one warehouse; a
// deleted warehouse can no longer change.
func (s *Service) updateWarehouse(id string, fn func(w *warehouse) error) error {
	return s.Store().Update(func(tx core.Tx) error {
		w, err := loadWarehouse(tx, id)
		if err != nil {
			return err
		}
		w.settle(s.Now())
		if w.State == whDeleted || w.State == whDeleting {
			return core.InvalidState("SQL warehouse %s is deleted.", id)
		}
		if err := fn(&w); err != nil {
			return err
		}
		return tx.Put(WarehousesBucket, id, w)
	})
}

func (s *Service) editWarehouse(r *http.Request) (any, error) {
	var req warehouseSettings
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return map[string]any{}, s.updateWarehouse(r.PathValue("id"), func(w *warehouse) error {
		req.CreatorName = w.CreatorName
		w.warehouseSettings = req
		if w.State == whRunning || w.State == whStarting {
			s.moveWarehouse(w, whStarting, whRunning)
		}
		return nil
	})
}

func (s *Service) startWarehouse(r *http.Request) (any, error) {
	return map[string]any{}, s.updateWarehouse(r.PathValue("id"), func(w *warehouse) error {
		if w.State == whStopped || w.State == whStopping {
			s.moveWarehouse(w, whStarting, whRunning)
		}
		return nil
	})
}

func (s *Service) stopWarehouse(r *http.Request) (any, error) {
	return map[string]any{}, s.updateWarehouse(r.PathValue("id"), func(w *warehouse) error {
		if w.State == whRunning || w.State == whStarting {
			s.moveWarehouse(w, whStopping, whStopped)
		}
		return nil
	})
}

func (s *Service) deleteWarehouse(r *http.Request) (any, error) {
	return map[string]any{}, s.updateWarehouse(r.PathValue("id"), func(w *warehouse) error {
		s.moveWarehouse(w, whDeleting, whDeleted)
		return nil
	})
}
