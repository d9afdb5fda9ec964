package workspace

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Cluster policies: /api/2.0/policies/clusters/*. Fields follow
// databricks-sdk-go service/compute/model.go (CreatePolicy, EditPolicy,
// Policy, DeletePolicy, ListPoliciesResponse); paths follow
// service/compute/impl.go (clusterPoliciesImpl).
//
// The definition is a JSON object of attribute paths to rules; each rule
// has a type the API knows. It is stored re-encoded with sorted keys, so
// what a client reads back may differ in key order and spacing from what it
// sent, as in production.

const ClusterPoliciesBucket = "cluster_policies"

var policyRuleTypes = []string{"fixed", "forbidden", "allowlist", "blocklist", "regex", "range", "unlimited"}

type clusterPolicy struct {
	PolicyID                        string `json:"policy_id"`
	Name                            string `json:"name"`
	Definition                      string `json:"definition,omitempty"`
	Description                     string `json:"description,omitempty"`
	MaxClustersPerUser              int64  `json:"max_clusters_per_user,omitempty"`
	PolicyFamilyID                  string `json:"policy_family_id,omitempty"`
	PolicyFamilyDefinitionOverrides string `json:"policy_family_definition_overrides,omitempty"`
	CreatorUserName                 string `json:"creator_user_name"`
	CreatedAtTimestamp              int64  `json:"created_at_timestamp"`
	IsDefault                       bool   `json:"is_default"`
}

// canonicalPolicyDefinition checks a definition and re-encodes it.
func canonicalPolicyDefinition(def string) (string, error) {
	var rules map[string]map[string]any
	if err := json.Unmarshal([]byte(def), &rules); err != nil {
		return "", core.InvalidParam("Invalid policy definition: it must be a JSON object of attribute paths to rules: %v", err)
	}
	for _, path := range slices.Sorted(maps.Keys(rules)) {
		typ, _ := rules[path]["type"].(string)
		if !slices.Contains(policyRuleTypes, typ) {
			return "", core.InvalidParam("Invalid policy definition: rule for %q has type %q; valid types: %s.", path, typ, strings.Join(policyRuleTypes, ", "))
		}
	}
	out, err := json.Marshal(rules)
	return string(out), err
}

func (p *clusterPolicy) apply(r *http.Request) error {
	if err := core.DecodeBody(r, p); err != nil {
		return err
	}
	if err := core.RequireString("name", p.Name); err != nil {
		return err
	}
	if len(p.Name) > 100 {
		return core.InvalidParam("Cluster policy name must be at most 100 characters, got %d.", len(p.Name))
	}
	if p.Definition == "" && p.PolicyFamilyID == "" {
		return core.InvalidParam("Either definition or policy_family_id must be specified.")
	}
	if p.MaxClustersPerUser < 0 {
		return core.InvalidParam("max_clusters_per_user must be positive, got %d.", p.MaxClustersPerUser)
	}
	for _, d := range []*string{&p.Definition, &p.PolicyFamilyDefinitionOverrides} {
		if *d != "" {
			c, err := canonicalPolicyDefinition(*d)
			if err != nil {
				return err
			}
			*d = c
		}
	}
	return nil
}

// uniquePolicyName refuses a name another policy has.
func uniquePolicyName(tx core.Tx, p clusterPolicy) error {
	all, err := core.GetAll[clusterPolicy](tx, ClusterPoliciesBucket, "")
	if err != nil {
		return err
	}
	if slices.ContainsFunc(all, func(o clusterPolicy) bool { return o.Name == p.Name && o.PolicyID != p.PolicyID }) {
		return core.InvalidParam("Policy with name %s already exists.", p.Name)
	}
	return nil
}

func (s *Service) createClusterPolicy(r *http.Request) (any, error) {
	var p clusterPolicy
	if err := p.apply(r); err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	p.PolicyID, p.CreatorUserName, p.CreatedAtTimestamp, p.IsDefault = fmt.Sprintf("%X", b), s.Options().UserName, s.Now().UnixMilli(), false
	err := s.Store().Update(func(tx core.Tx) error {
		if err := uniquePolicyName(tx, p); err != nil {
			return err
		}
		return tx.Put(ClusterPoliciesBucket, p.PolicyID, p)
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{"policy_id": p.PolicyID}, nil
}

func loadClusterPolicy(tx core.Tx, id string) (clusterPolicy, error) {
	var p clusterPolicy
	found, err := tx.Get(ClusterPoliciesBucket, id, &p)
	if err == nil && !found {
		err = core.NotFound("Can't find a cluster policy with id: %s.", id)
	}
	return p, err
}

func (s *Service) getClusterPolicy(r *http.Request) (any, error) {
	id := r.URL.Query().Get("policy_id")
	if err := core.RequireString("policy_id", id); err != nil {
		return nil, err
	}
	var p clusterPolicy
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		p, err = loadClusterPolicy(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) listClusterPolicies(*http.Request) (any, error) {
	all, err := UCList[clusterPolicy](s, ClusterPoliciesBucket, "")
	if err != nil {
		return nil, err
	}
	return map[string]any{"policies": all}, nil
}

func (s *Service) editClusterPolicy(r *http.Request) (any, error) {
	var p clusterPolicy
	if err := p.apply(r); err != nil {
		return nil, err
	}
	if err := core.RequireString("policy_id", p.PolicyID); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		old, err := loadClusterPolicy(tx, p.PolicyID)
		if err != nil {
			return err
		}
		if err := uniquePolicyName(tx, p); err != nil {
			return err
		}
		p.CreatorUserName, p.CreatedAtTimestamp = old.CreatorUserName, old.CreatedAtTimestamp
		return tx.Put(ClusterPoliciesBucket, p.PolicyID, p)
	})
}

func (s *Service) deleteClusterPolicy(r *http.Request) (any, error) {
	var req struct {
		PolicyID string `json:"policy_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("policy_id", req.PolicyID); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		if _, err := loadClusterPolicy(tx, req.PolicyID); err != nil {
			return err
		}
		return tx.Delete(ClusterPoliciesBucket, req.PolicyID)
	})
}
