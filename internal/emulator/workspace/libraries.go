package workspace

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Libraries: /api/2.0/libraries/*. Shapes from databricks-sdk-go
// service/compute/model.go (Library, InstallLibraries, UninstallLibraries,
// ClusterLibraryStatuses, LibraryFullStatus, LibraryInstallStatus).
//
// A library installed on a running cluster is INSTALLING until
// Options.AsyncDelay has passed, then INSTALLED; on a cluster that is not
// running it is PENDING until the cluster runs. Uninstalling marks it
// UNINSTALL_ON_RESTART: it goes away when the cluster next (re)starts.

const clusterLibrariesBucket = "cluster_libraries"

// library is compute.Library: exactly one kind is set.
type library struct {
	Cran         *packageLibrary `json:"cran,omitempty"`
	Egg          string          `json:"egg,omitempty"`
	Jar          string          `json:"jar,omitempty"`
	Maven        *mavenLibrary   `json:"maven,omitempty"`
	Pypi         *packageLibrary `json:"pypi,omitempty"`
	Requirements string          `json:"requirements,omitempty"`
	Whl          string          `json:"whl,omitempty"`
}

// packageLibrary is compute.PythonPyPiLibrary and compute.RCranLibrary.
type packageLibrary struct {
	Package string `json:"package"`
	Repo    string `json:"repo,omitempty"`
}

type mavenLibrary struct {
	Coordinates string   `json:"coordinates"`
	Exclusions  []string `json:"exclusions,omitempty"`
	Repo        string   `json:"repo,omitempty"`
}

// installedLibrary is one library of a cluster, as stored.
type installedLibrary struct {
	Library library `json:"library"`
	// ReadyAt (unix ms) is when installation on a running cluster ends.
	ReadyAt int64 `json:"ready_at"`
	// UninstallAt (unix ms) is when uninstall was asked; the library goes
	// at the next start or restart after it.
	UninstallAt int64 `json:"uninstall_at,omitempty"`
}

// identity compares libraries: same kind and same source.
func (l library) identity() string {
	b, _ := json.Marshal(l)
	return string(b)
}

func (l library) validate() error {
	kinds := 0
	for _, set := range []bool{l.Cran != nil, l.Egg != "", l.Jar != "", l.Maven != nil, l.Pypi != nil, l.Requirements != "", l.Whl != ""} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds != 1:
		return core.InvalidParam("Each library must specify exactly one of cran, egg, jar, maven, pypi, requirements or whl.")
	case l.Pypi != nil && strings.TrimSpace(l.Pypi.Package) == "":
		return core.InvalidParam("Missing required field: pypi.package")
	case l.Cran != nil && strings.TrimSpace(l.Cran.Package) == "":
		return core.InvalidParam("Missing required field: cran.package")
	case l.Maven != nil && strings.Count(l.Maven.Coordinates, ":") < 2:
		return core.InvalidParam("Invalid maven coordinates '%s': expected <groupId>:<artifactId>:<version>.", l.Maven.Coordinates)
	}
	return nil
}

type librariesRequest struct {
	ClusterID string    `json:"cluster_id"`
	Libraries []library `json:"libraries"`
}

func decodeLibrariesRequest(r *http.Request) (librariesRequest, error) {
	var req librariesRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return req, err
	}
	if err := core.RequireString("cluster_id", req.ClusterID); err != nil {
		return req, err
	}
	if len(req.Libraries) == 0 {
		return req, core.InvalidParam("Missing required field: libraries")
	}
	for _, l := range req.Libraries {
		if err := l.validate(); err != nil {
			return req, err
		}
	}
	return req, nil
}

func (s *Service) installLibraries(r *http.Request) (any, error) {
	req, err := decodeLibrariesRequest(r)
	if err != nil {
		return nil, err
	}
	ready := s.Now().Add(s.Options().AsyncDelay).UnixMilli()
	return s.changeLibraries(req.ClusterID, func(_ cluster, libs []installedLibrary) []installedLibrary {
		for _, l := range req.Libraries {
			i := slices.IndexFunc(libs, func(x installedLibrary) bool { return x.Library.identity() == l.identity() })
			switch {
			case i < 0:
				libs = append(libs, installedLibrary{Library: l, ReadyAt: ready})
			case libs[i].UninstallAt != 0:
				// Installing again cancels a pending uninstall.
				libs[i].UninstallAt = 0
			}
		}
		return libs
	})
}

func (s *Service) uninstallLibraries(r *http.Request) (any, error) {
	req, err := decodeLibrariesRequest(r)
	if err != nil {
		return nil, err
	}
	now := s.Now().UnixMilli()
	return s.changeLibraries(req.ClusterID, func(c cluster, libs []installedLibrary) []installedLibrary {
		// A (re)start in this very millisecond came before this request:
		// the uninstall waits for the next one (pruneUninstalled).
		if max(c.StartTime, c.LastRestartedTime) >= now {
			now = max(c.StartTime, c.LastRestartedTime) + 1
		}
		for i := range libs {
			if libs[i].UninstallAt == 0 && slices.ContainsFunc(req.Libraries, func(l library) bool { return l.identity() == libs[i].Library.identity() }) {
				libs[i].UninstallAt = now
			}
		}
		return libs
	})
}

// changeLibraries applies fn to a cluster's libraries in one transaction.
func (s *Service) changeLibraries(clusterID string, fn func(cluster, []installedLibrary) []installedLibrary) (any, error) {
	err := s.Store().Update(func(tx core.Tx) error {
		c, err := loadCluster(tx, clusterID)
		if err != nil {
			return err
		}
		var libs []installedLibrary
		if _, err := tx.Get(clusterLibrariesBucket, clusterID, &libs); err != nil {
			return err
		}
		libs = pruneUninstalled(c, libs)
		if err := tx.Put(clusterLibrariesBucket, clusterID, fn(c, libs)); err != nil {
			return fmt.Errorf("storing libraries of cluster %s: %w", clusterID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// pruneUninstalled drops libraries whose uninstall took effect: the
// cluster started or restarted since, in the same millisecond included
// (an uninstall after a start in that millisecond is stamped later).
func pruneUninstalled(c cluster, libs []installedLibrary) []installedLibrary {
	restarted := max(c.StartTime, c.LastRestartedTime)
	return slices.DeleteFunc(libs, func(l installedLibrary) bool {
		return l.UninstallAt != 0 && restarted >= l.UninstallAt
	})
}

// libraryStatus is compute.LibraryFullStatus.
type libraryStatus struct {
	Library                 library  `json:"library"`
	Status                  string   `json:"status"`
	IsLibraryForAllClusters bool     `json:"is_library_for_all_clusters"`
	Messages                []string `json:"messages,omitempty"`
}

// statusesOf is the cluster's library statuses now.
func (s *Service) statusesOf(c cluster, libs []installedLibrary) []libraryStatus {
	c.settle(s.Now())
	now := s.Now().UnixMilli()
	out := []libraryStatus{}
	for _, l := range pruneUninstalled(c, libs) {
		st := "INSTALLED"
		switch {
		case l.UninstallAt != 0:
			st = "UNINSTALL_ON_RESTART"
		case c.State != stateRunning && c.State != stateResizing:
			st = "PENDING"
		case now < l.ReadyAt:
			st = "INSTALLING"
		}
		out = append(out, libraryStatus{Library: l.Library, Status: st})
	}
	return out
}

// clusterLibraryStatus is GET libraries/cluster-status?cluster_id=.
func (s *Service) clusterLibraryStatus(r *http.Request) (any, error) {
	id := r.URL.Query().Get("cluster_id")
	if err := core.RequireString("cluster_id", id); err != nil {
		return nil, err
	}
	var (
		c    cluster
		libs []installedLibrary
	)
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		if c, err = loadCluster(tx, id); err != nil {
			return err
		}
		_, err = tx.Get(clusterLibrariesBucket, id, &libs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"cluster_id": id, "library_statuses": s.statusesOf(c, libs)}, nil
}

// allClusterLibraryStatuses is GET libraries/all-cluster-statuses: every
// cluster that has libraries.
func (s *Service) allClusterLibraryStatuses(r *http.Request) (any, error) {
	out := []map[string]any{}
	err := s.Store().View(func(tx core.Tx) error {
		return tx.ForEach(clusterLibrariesBucket, "", func(id string, raw []byte) error {
			var libs []installedLibrary
			if err := json.Unmarshal(raw, &libs); err != nil {
				return fmt.Errorf("reading libraries of cluster %s: %w", id, err)
			}
			c, err := loadCluster(tx, id)
			if err != nil {
				return err
			}
			if st := s.statusesOf(c, libs); len(st) > 0 {
				out = append(out, map[string]any{"cluster_id": id, "library_statuses": st})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"statuses": out}, nil
}
