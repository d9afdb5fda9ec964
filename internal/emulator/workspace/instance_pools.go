package workspace

import (
	"crypto/rand"
	"fmt"
	"net/http"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Instance pools: /api/2.0/instance-pools/*. Fields follow databricks-sdk-go
// service/compute/model.go (CreateInstancePool, EditInstancePool,
// GetInstancePool, InstancePoolAzureAttributes, InstancePoolStats,
// InstancePoolState); paths follow service/compute/impl.go
// (instancePoolsImpl). A pool is ACTIVE from creation; delete leaves it
// readable as DELETED, as in production. No VMs exist, so its stats are
// zero.

const InstancePoolsBucket = "instance_pools"

type instancePoolAzure struct {
	Availability    string  `json:"availability,omitempty"`
	SpotBidMaxPrice float64 `json:"spot_bid_max_price,omitempty"`
}

type instancePool struct {
	InstancePoolID                     string             `json:"instance_pool_id"`
	InstancePoolName                   string             `json:"instance_pool_name"`
	NodeTypeID                         string             `json:"node_type_id"`
	MinIdleInstances                   int                `json:"min_idle_instances"`
	MaxCapacity                        int                `json:"max_capacity,omitempty"`
	IdleInstanceAutoterminationMinutes int                `json:"idle_instance_autotermination_minutes"`
	CustomTags                         map[string]string  `json:"custom_tags,omitempty"`
	AzureAttributes                    *instancePoolAzure `json:"azure_attributes,omitempty"`
	EnableElasticDisk                  bool               `json:"enable_elastic_disk"`
	PreloadedSparkVersions             []string           `json:"preloaded_spark_versions,omitempty"`
	DefaultTags                        map[string]string  `json:"default_tags"`
	State                              string             `json:"state"`
	Stats                              map[string]int     `json:"stats"`
}

// validate checks the fields create and edit share.
func (p *instancePool) validate() error {
	if err := core.RequireString("instance_pool_name", p.InstancePoolName); err != nil {
		return err
	}
	if len(p.InstancePoolName) > 100 {
		return core.InvalidParam("Instance pool name must be at most 100 characters, got %d.", len(p.InstancePoolName))
	}
	if err := core.RequireString("node_type_id", p.NodeTypeID); err != nil {
		return err
	}
	if _, ok := nodeTypeByID(p.NodeTypeID); !ok {
		return core.InvalidParam("Node type %s is not supported. Use /api/2.1/clusters/list-node-types to list the node types available in this workspace.", p.NodeTypeID)
	}
	switch {
	case p.MinIdleInstances < 0:
		return core.InvalidParam("min_idle_instances must be non-negative, got %d.", p.MinIdleInstances)
	case p.MaxCapacity < 0 || p.MaxCapacity > 0 && p.MaxCapacity < p.MinIdleInstances:
		return core.InvalidParam("max_capacity (%d) must be at least min_idle_instances (%d).", p.MaxCapacity, p.MinIdleInstances)
	case p.IdleInstanceAutoterminationMinutes < 0 || p.IdleInstanceAutoterminationMinutes > 10000:
		return core.InvalidParam("idle_instance_autotermination_minutes must be between 0 and 10000, got %d.", p.IdleInstanceAutoterminationMinutes)
	}
	if a := p.AzureAttributes; a != nil {
		if err := core.OneOf("azure_attributes.availability", a.Availability, azureAvailabilities); err != nil {
			return err
		}
	}
	for _, v := range p.PreloadedSparkVersions {
		if _, ok := sparkVersionByKey(v); !ok {
			return core.InvalidParam("Invalid spark version %s.", v)
		}
	}
	return validateCustomTags(p.CustomTags)
}

func (s *Service) createInstancePool(r *http.Request) (any, error) {
	var p instancePool
	if err := core.DecodeBody(r, &p); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	p.InstancePoolID = fmt.Sprintf("%s-%x-pool-%x", s.Now().UTC().Format("0102"), b[:3], b[3:])
	p.State, p.Stats = "ACTIVE", map[string]int{"used_count": 0, "idle_count": 0, "pending_used_count": 0, "pending_idle_count": 0}
	p.DefaultTags = map[string]string{"Vendor": "Databricks", "DatabricksInstancePoolCreatorId": s.Options().UserName, "DatabricksInstancePoolId": p.InstancePoolID}
	if err := s.Store().Update(func(tx core.Tx) error { return tx.Put(InstancePoolsBucket, p.InstancePoolID, p) }); err != nil {
		return nil, err
	}
	return map[string]string{"instance_pool_id": p.InstancePoolID}, nil
}

func loadInstancePool(tx core.Tx, id string) (instancePool, error) {
	var p instancePool
	found, err := tx.Get(InstancePoolsBucket, id, &p)
	if err == nil && !found {
		err = core.NotFound("Can't find an instance pool with id: %s.", id)
	}
	return p, err
}

func (s *Service) getInstancePool(r *http.Request) (any, error) {
	id := r.URL.Query().Get("instance_pool_id")
	if err := core.RequireString("instance_pool_id", id); err != nil {
		return nil, err
	}
	var p instancePool
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		p, err = loadInstancePool(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) listInstancePools(*http.Request) (any, error) {
	all, err := UCList[instancePool](s, InstancePoolsBucket, "")
	if err != nil {
		return nil, err
	}
	out := []instancePool{}
	for _, p := range all {
		if p.State != "DELETED" {
			out = append(out, p)
		}
	}
	return map[string]any{"instance_pools": out}, nil
}

// changeInstancePool loads a pool that is not deleted, applies fn and
// stores it.
func (s *Service) changeInstancePool(id string, fn func(p *instancePool) error) error {
	if err := core.RequireString("instance_pool_id", id); err != nil {
		return err
	}
	return s.Store().Update(func(tx core.Tx) error {
		p, err := loadInstancePool(tx, id)
		if err != nil {
			return err
		}
		if p.State == "DELETED" {
			return core.InvalidState("Instance pool %s is deleted.", id)
		}
		if err := fn(&p); err != nil {
			return err
		}
		return tx.Put(InstancePoolsBucket, id, p)
	})
}

func (s *Service) editInstancePool(r *http.Request) (any, error) {
	var req instancePool
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	return map[string]any{}, s.changeInstancePool(req.InstancePoolID, func(p *instancePool) error {
		if req.NodeTypeID != p.NodeTypeID {
			return core.InvalidParam("The node type of instance pool %s cannot be changed (from %s to %s).", p.InstancePoolID, p.NodeTypeID, req.NodeTypeID)
		}
		p.InstancePoolName, p.MinIdleInstances, p.MaxCapacity = req.InstancePoolName, req.MinIdleInstances, req.MaxCapacity
		p.IdleInstanceAutoterminationMinutes, p.CustomTags = req.IdleInstanceAutoterminationMinutes, req.CustomTags
		return nil
	})
}

func (s *Service) deleteInstancePool(r *http.Request) (any, error) {
	var req struct {
		InstancePoolID string `json:"instance_pool_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	return map[string]any{}, s.changeInstancePool(req.InstancePoolID, func(p *instancePool) error {
		p.State = "DELETED"
		return nil
	})
}
