package workspace

import (
	"net/http"
	"slices"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
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
func (s *Service) changeExperiment(r *http.Request, fn func(tx core.Tx, req experimentRequest, e *experiment) error) (any, error) {
	var req experimentRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("experiment_id", req.ExperimentID); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		var e experiment
		if err := loadExperiment(tx, req.ExperimentID, &e); err != nil {
			return err
		}
		if err := fn(tx, req, &e); err != nil {
			return err
		}
		e.LastUpdateTime = s.Now().UnixMilli()
		return tx.Put(ExperimentsBucket, experimentKey(e.ExperimentID), e)
	})
}

func (s *Service) updateExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(tx core.Tx, req experimentRequest, e *experiment) error {
		if err := core.RequireString("new_name", req.NewName); err != nil {
			return err
		}
		if req.NewName[0] != '/' {
			return core.InvalidParam("Got an invalid experiment name '%s'. An experiment name must be an absolute path within the Databricks workspace, e.g. '/Users/<some-username>/my-experiment'.", req.NewName)
		}
		all, err := core.GetAll[experiment](tx, ExperimentsBucket, "")
		if err != nil {
			return err
		}
		if slices.ContainsFunc(all, func(x experiment) bool { return x.Name == req.NewName && x.ExperimentID != e.ExperimentID }) {
			return core.AlreadyExists("Node named '%s' already exists", req.NewName)
		}
		e.Name = req.NewName
		return nil
	})
}

func (s *Service) deleteExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ core.Tx, _ experimentRequest, e *experiment) error {
		if e.LifecycleStage == "deleted" {
			return core.InvalidState("Cannot delete an experiment in the deleted lifecycle stage; experiment id %s.", e.ExperimentID)
		}
		e.LifecycleStage = "deleted"
		return nil
	})
}

func (s *Service) restoreExperiment(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ core.Tx, _ experimentRequest, e *experiment) error {
		if e.LifecycleStage != "deleted" {
			return core.InvalidState("Cannot restore an experiment that is not deleted; experiment id %s.", e.ExperimentID)
		}
		e.LifecycleStage = "active"
		return nil
	})
}

func (s *Service) setExperimentTag(r *http.Request) (any, error) {
	return s.changeExperiment(r, func(_ core.Tx, req experimentRequest, e *experiment) error {
		if err := core.RequireString("key", req.Key); err != nil {
			return err
		}
		if len(req.Key) > 250 {
			return core.InvalidParam("Tag key must be at most 250 characters, got %d.", len(req.Key))
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
