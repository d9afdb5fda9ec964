package workspace

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Unity Catalog governed tags on securables:
// /api/2.1/unity-catalog/entity-tag-assignments. Fields follow
// databricks-sdk-go service/catalog/model.go (EntityTagAssignment,
// CreateEntityTagAssignmentRequest, UpdateEntityTagAssignmentRequest,
// ListEntityTagAssignmentsResponse). Feature tables carry their tags this
// way. Served for catalogs, schemas and tables; an assignment belongs to the
// entity's identity, so a dropped and recreated table starts untagged.

const entityTagsBucket = "uc_entity_tags"

type entityTagAssignment struct {
	EntityName string `json:"entity_name"`
	EntityType string `json:"entity_type"`
	TagKey     string `json:"tag_key"`
	TagValue   string `json:"tag_value,omitempty"`
	SourceType string `json:"source_type,omitempty"`
	UpdateTime string `json:"update_time,omitempty"`
	UpdatedBy  string `json:"updated_by,omitempty"`
	// EntityID ties the assignment to one incarnation of the entity. Not
	// part of the answer.
	EntityID string `json:"_entity_id,omitempty"`
}

func (a entityTagAssignment) view() entityTagAssignment {
	a.EntityID = ""
	return a
}

func entityTagKey(typ, name, key string) string { return typ + "/" + name + "/" + key }

// taggedEntityID resolves the entity a tag is assigned to and returns an id
// of this incarnation of it.
func taggedEntityID(tx core.Tx, typ, name string) (string, string, error) {
	switch typ {
	case "catalogs":
		var c CatalogInfo
		parts, err := splitFullName("catalog", name, 1)
		if err != nil {
			return "", "", err
		}
		key := UCKey(parts...)
		// Catalogs have no id: their creation time tells incarnations apart.
		err = loadDoc(tx, CatalogsBucket, key, "Catalog", &c)
		return key, strconv.FormatInt(c.CreatedAt, 10), err
	case "schemas":
		var s SchemaInfo
		parts, err := splitFullName("schema", name, 2)
		if err != nil {
			return "", "", err
		}
		key := UCKey(parts...)
		err = loadDoc(tx, SchemasBucket, key, "Schema", &s)
		return key, s.SchemaID, err
	case "tables":
		var t tableInfo
		parts, err := splitFullName("table", name, 3)
		if err != nil {
			return "", "", err
		}
		key := UCKey(parts...)
		err = loadDoc(tx, TablesBucket, key, "Table", &t)
		return key, t.TableID, err
	}
	return "", "", core.InvalidParam("Invalid entity_type '%s'. Tags can be assigned here to: catalogs, schemas, tables.", typ)
}

func validateTagPair(key, value string) error {
	if err := core.RequireString("tag_assignment.tag_key", key); err != nil {
		return err
	}
	if len(key) > 255 || len(value) > 1000 {
		return core.InvalidParam("Invalid tag '%s': keys must be at most 255 and values at most 1000 characters.", key)
	}
	return nil
}

func (s *Service) createEntityTagAssignment(r *http.Request) (any, error) {
	var a entityTagAssignment
	if err := core.DecodeBody(r, &a); err != nil {
		return nil, err
	}
	if err := validateTagPair(a.TagKey, a.TagValue); err != nil {
		return nil, err
	}
	err := s.Store().Update(func(tx core.Tx) error {
		name, id, err := taggedEntityID(tx, a.EntityType, a.EntityName)
		if err != nil {
			return err
		}
		key := entityTagKey(a.EntityType, name, a.TagKey)
		var existing entityTagAssignment
		found, err := tx.Get(entityTagsBucket, key, &existing)
		if err != nil {
			return err
		}
		if found && existing.EntityID == id {
			return core.AlreadyExists("Tag '%s' is already assigned to %s '%s'.", a.TagKey, strings.TrimSuffix(a.EntityType, "s"), name)
		}
		a.EntityName, a.EntityID, a.SourceType = name, id, "TAG_ASSIGNMENT_SOURCE_TYPE_USER"
		a.UpdateTime, a.UpdatedBy = s.Now().UTC().Format(time.RFC3339), s.Options().UserName
		return tx.Put(entityTagsBucket, key, a)
	})
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

// loadTagAssignment reads the assignment the path names, answering
// not-found for one left over from a dropped incarnation of the entity.
func loadTagAssignment(tx core.Tx, r *http.Request) (string, entityTagAssignment, error) {
	var a entityTagAssignment
	typ, tagKey := r.PathValue("entity_type"), r.PathValue("tag_key")
	name, id, err := taggedEntityID(tx, typ, r.PathValue("entity_name"))
	if err != nil {
		return "", a, err
	}
	key := entityTagKey(typ, name, tagKey)
	found, err := tx.Get(entityTagsBucket, key, &a)
	if err != nil {
		return key, a, err
	}
	if !found || a.EntityID != id {
		return key, a, core.NotFound("Tag '%s' is not assigned to %s '%s'.", tagKey, strings.TrimSuffix(typ, "s"), name)
	}
	return key, a, nil
}

func (s *Service) getEntityTagAssignment(r *http.Request) (any, error) {
	var a entityTagAssignment
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		_, a, err = loadTagAssignment(tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

func (s *Service) updateEntityTagAssignment(r *http.Request) (any, error) {
	var req entityTagAssignment
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	var a entityTagAssignment
	err := s.Store().Update(func(tx core.Tx) error {
		key, current, err := loadTagAssignment(tx, r)
		if err != nil {
			return err
		}
		if err := validateTagPair(current.TagKey, req.TagValue); err != nil {
			return err
		}
		current.TagValue = req.TagValue
		current.UpdateTime, current.UpdatedBy = s.Now().UTC().Format(time.RFC3339), s.Options().UserName
		a = current
		return tx.Put(entityTagsBucket, key, current)
	})
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

func (s *Service) deleteEntityTagAssignment(r *http.Request) (any, error) {
	err := s.Store().Update(func(tx core.Tx) error {
		key, _, err := loadTagAssignment(tx, r)
		if err != nil {
			return err
		}
		return tx.Delete(entityTagsBucket, key)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listEntityTagAssignments(r *http.Request) (any, error) {
	typ := r.PathValue("entity_type")
	var out []entityTagAssignment
	err := s.Store().View(func(tx core.Tx) error {
		name, id, err := taggedEntityID(tx, typ, r.PathValue("entity_name"))
		if err != nil {
			return err
		}
		all, err := core.GetAll[entityTagAssignment](tx, entityTagsBucket, typ+"/"+name+"/")
		if err != nil {
			return err
		}
		for _, a := range all {
			if a.EntityID == id {
				out = append(out, a.view())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b entityTagAssignment) int { return strings.Compare(a.TagKey, b.TagKey) })
	items, next, err := core.PageMaxResults(r, out, 1000, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"tag_assignments": items, "next_page_token": next}, nil
}
