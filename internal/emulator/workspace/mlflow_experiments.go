package workspace

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// MLflow experiments/search (databricks-sdk-go service/ml: SearchExperiments,
// SearchExperimentsResponse). The filter takes the runs/search grammar over
// the attributes name, experiment_id, creation_time and last_update_time and
// over tags.<key>, with =, !=, <, <=, >, >=, LIKE and ILIKE; order_by the
// same attributes; view_type ACTIVE_ONLY (default), DELETED_ONLY or ALL.
// Default order: newest first, then by id (MLflow's tracking store).

var viewTypes = []string{"ACTIVE_ONLY", "DELETED_ONLY", "ALL"}

func (s *Service) searchExperiments(r *http.Request) (any, error) {
	var req struct {
		Filter     string   `json:"filter"`
		MaxResults int      `json:"max_results"`
		OrderBy    []string `json:"order_by"`
		PageToken  string   `json:"page_token"`
		ViewType   string   `json:"view_type"`
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		req.Filter, req.PageToken, req.ViewType, req.OrderBy = q.Get("filter"), q.Get("page_token"), q.Get("view_type"), q["order_by"]
		n, err := core.QueryInt(r, "max_results", 0)
		if err != nil {
			return nil, err
		}
		req.MaxResults = n
	} else if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.OneOf("view_type", req.ViewType, viewTypes); err != nil {
		return nil, err
	}
	clauses, err := parseRunFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	for _, c := range clauses {
		if c.entity != "attribute" && c.entity != "tag" || c.entity == "attribute" && !slices.Contains(experimentAttributes, c.key) {
			return nil, core.InvalidParam("Invalid filter '%s': experiments can be searched by tags and by %s.", req.Filter, strings.Join(experimentAttributes, ", "))
		}
	}
	keys, err := parseOrderBy(req.OrderBy)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.entity != "attribute" || !slices.Contains(experimentAttributes, k.name) {
			return nil, core.InvalidParam("Invalid order_by clause '%s.%s': experiments order by %s.", k.entity, k.name, strings.Join(experimentAttributes, ", "))
		}
	}
	all, err := UCList[experiment](s, ExperimentsBucket, "")
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.visibleIn(req.ViewType) && e.matchesAll(clauses) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b experiment) int {
		for _, k := range keys {
			as, an, _ := a.attribute(k.name)
			bs, bn, _ := b.attribute(k.name)
			c := cmp.Or(cmp.Compare(an, bn), strings.Compare(as, bs))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(b.CreationTime, a.CreationTime), cmp.Compare(a.ExperimentID, b.ExperimentID))
	})
	items, next, err := core.PageBody(r, out, req.MaxResults, req.PageToken, 1000, 50000)
	if err != nil {
		return nil, err
	}
	return map[string]any{"experiments": items, "next_page_token": next}, nil
}

var experimentAttributes = []string{"name", "experiment_id", "creation_time", "last_update_time"}

func (e experiment) visibleIn(viewType string) bool {
	switch viewType {
	case "ALL":
		return true
	case "DELETED_ONLY":
		return e.LifecycleStage == "deleted"
	}
	return e.LifecycleStage != "deleted"
}

func (e experiment) matchesAll(clauses []runClause) bool {
	for _, c := range clauses {
		var (
			str string
			num float64
			ok  bool
		)
		if c.entity == "tag" {
			i := slices.IndexFunc(e.Tags, func(t mlflowKeyVal) bool { return t.Key == c.key })
			if ok = i >= 0; ok {
				str = e.Tags[i].Value
			}
		} else {
			str, num, ok = e.attribute(c.key)
		}
		if !c.matchValue(str, num, ok) {
			return false
		}
	}
	return true
}

// attribute reads an experiment attribute by its search name.
func (e experiment) attribute(key string) (string, float64, bool) {
	switch key {
	case "name":
		return e.Name, 0, true
	case "experiment_id":
		return e.ExperimentID, 0, true
	case "creation_time":
		return "", float64(e.CreationTime), true
	case "last_update_time":
		return "", float64(e.LastUpdateTime), true
	}
	return "", 0, false
}
