package emulator

import (
	"net/http"
	"slices"
)

// MLflow experiment management: rename, delete, restore and tags, under
// /api/2.0/mlflow/experiments/. Fields follow databricks-sdk-go
// service/ml/model.go (UpdateExperiment, DeleteExperiment,
// RestoreExperiment, SetExperimentTag); paths follow service/ml/impl.go
// (experimentsImpl). Delete is soft: the experiment reads back with
// lifecycle_stage "deleted" until restored, as in production.

// experimentRequest is the body every route here takes.
type experimentRequest struct {
	ExperimentID string `json:"experiment_id"`
	NewName      string `json:"new_name"`
	Key          string `json:"key"`
	Value        string `json:"value"`
}

// changeExperiment decodes the body, loads the experiment and stores what
// fn made of it.
func (s *Server) changeExperiment(r *http.Request, fn func(tx Tx, req experimentRequest, e *experiment) error) (any, error) {
	var req experimentRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("experiment_id", req.ExperimentID); err != nil {
		return nil, err
	}
	return map[string]any{}, s.store.Update(func(tx Tx) error {
		var e experiment
		if err := loadExperiment(tx, req.ExperimentID, &e); err != nil {
			return err
		}
		if err := fn(tx, req, &e); err != nil {
			return err
		}
		e.LastUpdateTime = s.now().UnixMilli()
		return tx.Put(experimentsBucket, experimentKey(e.ExperimentID), e)
	})
}

func (s *Server) updateExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(tx Tx, req experimentRequest, e *experiment) error {
		if err := requireString("new_name", req.NewName); err != nil {
			return err
		}
		if req.NewName[0] != '/' {
			return invalidParam("Got an invalid experiment name '%s'. An experiment name must be an absolute path within the Databricks workspace, e.g. '/Users/<some-username>/my-experiment'.", req.NewName)
		}
		all, err := getAll[experiment](tx, experimentsBucket, "")
		if err != nil {
			return err
		}
		if slices.ContainsFunc(all, func(x experiment) bool { return x.Name == req.NewName && x.ExperimentID != e.ExperimentID }) {
			return alreadyExists("Node named '%s' already exists", req.NewName)
		}
		e.Name = req.NewName
		return nil
	})
}

func (s *Server) deleteExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ Tx, _ experimentRequest, e *experiment) error {
		if e.LifecycleStage == "deleted" {
			return invalidState("Cannot delete an experiment in the deleted lifecycle stage; experiment id %s.", e.ExperimentID)
		}
		e.LifecycleStage = "deleted"
		return nil
	})
}

func (s *Server) restoreExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ Tx, _ experimentRequest, e *experiment) error {
		if e.LifecycleStage != "deleted" {
			return invalidState("Cannot restore an experiment that is not deleted; experiment id %s.", e.ExperimentID)
		}
		e.LifecycleStage = "active"
		return nil
	})
}

func (s *Server) setExperimentTag(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ Tx, req experimentRequest, e *experiment) error {
		if err := requireString("key", req.Key); err != nil {
			return err
		}
		if len(req.Key) > 250 {
			return invalidParam("Tag key must be at most 250 characters, got %d.", len(req.Key))
		}
		i := slices.IndexFunc(e.Tags, func(t mlflowKeyVal) bool { return t.Key == req.Key })
		if i < 0 {
			e.Tags = append(e.Tags, mlflowKeyVal{Key: req.Key, Value: req.Value})
		} else {
			e.Tags[i].Value = req.Value
		}
		return nil
	})
}
