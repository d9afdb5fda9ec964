package workspace

import (
	"crypto/sha256"
	"fmt"
	"net/http"
)

// The legacy SQL data sources list: GET /api/2.0/preview/sql/data_sources,
// one data source per SQL warehouse (databricks-sdk-go service/sql:
// DataSourcesAPI.List, DataSource; the answer is a bare JSON array). The
// official Terraform provider reads it after every SQL warehouse read to
// fill data_source_id, so it belongs to that resource's ordinary flow.

func (s *Service) listDataSources(r *http.Request) (any, error) {
	all, err := UCList[warehouse](s, WarehousesBucket, "")
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, w := range all {
		w.settle(s.Now())
		if w.State == whDeleted || w.State == whDeleting {
			continue
		}
		out = append(out, map[string]any{
			"id": dataSourceID(w.ID), "name": w.Name, "warehouse_id": w.ID,
			"type": "databricks_internal", "syntax": "sql", "supports_auto_limit": true, "view_only": false,
		})
	}
	return out, nil
}

// dataSourceID is the data source of warehouse id: a UUID distinct from
// the warehouse id, stable for the warehouse's life.
func dataSourceID(warehouseID string) string {
	h := sha256.Sum256([]byte("data-source/" + warehouseID))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
