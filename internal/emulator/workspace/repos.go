package workspace

import (
	"crypto/sha1"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Git folders (repos): /api/2.0/repos. Fields follow databricks-sdk-go
// service/workspace/model.go (CreateRepoRequest, CreateRepoResponse,
// GetRepoResponse, UpdateRepoRequest, RepoInfo, ListReposResponse,
// SparseCheckout); paths follow service/workspace/impl.go (reposImpl).
//
// The emulator has no network: a git folder is a REPO object in the
// workspace tree with the branch or tag checked out and a head commit
// derived from the url and ref, so checking out another ref moves the head
// the way a pull does. The repo id is its workspace object id.

const reposBucket = "repos"

// gitProviders are the provider values the API takes (case-insensitive).
var gitProviders = []string{"gitHub", "bitbucketCloud", "gitLab", "azureDevOpsServices", "gitHubEnterprise",
	"bitbucketServer", "gitLabEnterpriseEdition", "awsCodeCommit"}

type sparseCheckout struct {
	Patterns []string `json:"patterns,omitempty"`
}

type repoInfo struct {
	ID             int64           `json:"id"`
	Path           string          `json:"path"`
	URL            string          `json:"url"`
	Provider       string          `json:"provider"`
	Branch         string          `json:"branch,omitempty"`
	HeadCommitID   string          `json:"head_commit_id"`
	SparseCheckout *sparseCheckout `json:"sparse_checkout,omitempty"`
}

// headCommit is the commit a ref of a repository points at, here.
func headCommit(url, ref string) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte(url+"@"+ref)))
}

func (s *Service) createGitFolder(r *http.Request) (any, error) {
	var req struct {
		URL            string          `json:"url"`
		Provider       string          `json:"provider"`
		Path           string          `json:"path"`
		SparseCheckout *sparseCheckout `json:"sparse_checkout"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("url", req.URL); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(req.URL, "https://") && !strings.HasPrefix(req.URL, "http://") {
		return nil, core.InvalidParam("Invalid repo url %s: only HTTPS git urls are supported.", req.URL)
	}
	if err := core.RequireString("provider", req.Provider); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(gitProviders, func(p string) bool { return strings.EqualFold(p, req.Provider) })
	if i < 0 {
		return nil, core.InvalidParam("Invalid git provider %q. Valid values: %s.", req.Provider, strings.Join(gitProviders, ", "))
	}
	name := strings.TrimSuffix(path.Base(req.URL), ".git")
	if req.Path == "" {
		req.Path = "/Repos/" + s.Options().UserName + "/" + name
	}
	p, err := wsPath("path", req.Path)
	if err != nil {
		return nil, err
	}
	repo := repoInfo{Path: p, URL: req.URL, Provider: gitProviders[i], Branch: "main", HeadCommitID: headCommit(req.URL, "main"), SparseCheckout: req.SparseCheckout}
	err = s.Store().Update(func(tx core.Tx) error {
		parent := path.Dir(p)
		if strings.HasPrefix(p, "/Repos/") && strings.Count(p, "/") == 3 {
			// /Repos/<user>/<repo>: the user's folder is made on demand.
			if err := s.mkdirsIn(tx, parent); err != nil {
				return err
			}
		}
		if po, found, err := s.loadObject(tx, parent); err != nil || !found || po.ObjectType != objDirectory {
			if err == nil {
				err = core.NotFound("The parent folder (%s) does not exist.", parent)
			}
			return err
		}
		if _, exists, err := s.loadObject(tx, p); err != nil || exists {
			if err == nil {
				err = core.APIErr(http.StatusBadRequest, core.CodeResourceAlreadyExists, "Path (%s) already exists.", p)
			}
			return err
		}
		id, err := newObjectID(tx)
		if err != nil {
			return err
		}
		repo.ID = id
		now := s.Now().UnixMilli()
		if err := tx.Put(workspaceBucket, p, workspaceObject{ObjectType: objRepo, Path: p, ObjectID: id, CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		return tx.Put(reposBucket, strconv.FormatInt(id, 10), repo)
	})
	if err != nil {
		return nil, err
	}
	return repo, nil
}

func loadGitFolder(tx core.Tx, id string) (repoInfo, error) {
	var repo repoInfo
	found, err := tx.Get(reposBucket, id, &repo)
	if err == nil && !found {
		err = core.NotFound("Repo %s does not exist.", id)
	}
	return repo, err
}

func (s *Service) getGitFolder(r *http.Request) (any, error) {
	var repo repoInfo
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		repo, err = loadGitFolder(tx, r.PathValue("id"))
		return err
	})
	if err != nil {
		return nil, err
	}
	return repo, nil
}

func (s *Service) listGitFolders(r *http.Request) (any, error) {
	prefix := r.URL.Query().Get("path_prefix")
	all, err := UCList[repoInfo](s, reposBucket, "")
	if err != nil {
		return nil, err
	}
	out := []repoInfo{}
	for _, repo := range all {
		if strings.HasPrefix(repo.Path, prefix) {
			out = append(out, repo)
		}
	}
	slices.SortFunc(out, func(a, b repoInfo) int { return strings.Compare(a.Path, b.Path) })
	items, next, err := core.PageAt(r, out, 100)
	if err != nil {
		return nil, err
	}
	return map[string]any{"repos": items, "next_page_token": next}, nil
}

// updateGitFolder checks out a branch or a tag (a tag detaches the head: no
// branch), and changes the sparse checkout.
func (s *Service) updateGitFolder(r *http.Request) (any, error) {
	var req struct {
		Branch         string          `json:"branch"`
		Tag            string          `json:"tag"`
		SparseCheckout *sparseCheckout `json:"sparse_checkout"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Branch != "" && req.Tag != "" {
		return nil, core.InvalidParam("Only one of branch and tag can be given.")
	}
	id := r.PathValue("id")
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		repo, err := loadGitFolder(tx, id)
		if err != nil {
			return err
		}
		switch {
		case req.Branch != "":
			repo.Branch, repo.HeadCommitID = req.Branch, headCommit(repo.URL, req.Branch)
		case req.Tag != "":
			repo.Branch, repo.HeadCommitID = "", headCommit(repo.URL, req.Tag)
		}
		if req.SparseCheckout != nil {
			repo.SparseCheckout = req.SparseCheckout
		}
		return tx.Put(reposBucket, id, repo)
	})
}

func (s *Service) deleteGitFolder(r *http.Request) (any, error) {
	id := r.PathValue("id")
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		repo, err := loadGitFolder(tx, id)
		if err != nil {
			return err
		}
		if err := deleteUnder(tx, workspaceBucket, repo.Path+"/"); err != nil {
			return err
		}
		if err := tx.Delete(workspaceBucket, repo.Path); err != nil {
			return err
		}
		return tx.Delete(reposBucket, id)
	})
}
