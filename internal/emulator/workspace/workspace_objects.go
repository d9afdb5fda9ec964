package workspace

import (
	"cmp"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// The workspace tree: /api/2.0/workspace/*. Fields and enums follow
// databricks-sdk-go service/workspace/model.go (Import, ImportFormat,
// Language, ObjectInfo, ObjectType, ExportResponse, Mkdirs, Delete,
// ListResponse); paths follow service/workspace/impl.go (workspaceImpl).
// Import takes a JSON body (content base64) or, as the SDK's Upload sends
// it, a multipart form.
//
// Notebooks (SOURCE, JUPYTER, or AUTO with a "Databricks notebook source"
// header) lose their extension, as in production; files (RAW, or AUTO
// without the header) keep their path. Git folders (repos.go) are REPO
// objects in the same tree.

const workspaceBucket = "workspace_objects"

// Object types (workspace.ObjectType).
const (
	objNotebook  = "NOTEBOOK"
	objDirectory = "DIRECTORY"
	objFile      = "FILE"
	objRepo      = "REPO"
)

var (
	importFormats = []string{"SOURCE", "HTML", "JUPYTER", "DBC", "R_MARKDOWN", "AUTO", "RAW"}
	exportFormats = importFormats
	languages     = []string{"PYTHON", "SCALA", "SQL", "R"}
	// notebookExtensions: what AUTO and the SDK's Upload read a notebook's
	// language from.
	notebookExtensions = map[string]string{".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R", ".ipynb": "PYTHON"}
	// notebookHeaders mark source files that are notebooks.
	notebookHeaders = []string{"# Databricks notebook source", "-- Databricks notebook source", "// Databricks notebook source"}
)

// maxImportBytes is the API's limit on imported content (10 MB).
const maxImportBytes = 10 << 20

type workspaceObject struct {
	ObjectType string `json:"object_type"`
	Path       string `json:"path"`
	Language   string `json:"language,omitempty"`
	ObjectID   int64  `json:"object_id"`
	CreatedAt  int64  `json:"created_at,omitempty"`
	ModifiedAt int64  `json:"modified_at,omitempty"`
	Size       int64  `json:"size,omitempty"`
	ResourceID string `json:"resource_id,omitempty"`
	// Content is the base64 body, not part of ObjectInfo.
	Content string `json:"content,omitempty"`
}

func (o workspaceObject) info() workspaceObject {
	o.Content = ""
	return o
}

// wsPath checks and cleans an absolute workspace path.
func wsPath(field, p string) (string, error) {
	if err := core.RequireString(field, p); err != nil {
		return "", err
	}
	p = strings.TrimPrefix(p, "/Workspace")
	if !strings.HasPrefix(p, "/") {
		return "", core.InvalidParam("Path (%s) must be absolute.", p)
	}
	if len(p) > 4096 || strings.ContainsRune(p, 0) {
		return "", core.InvalidParam("Path (%.64s…) is invalid: at most 4096 characters, no NUL.", p)
	}
	return path.Clean(p), nil
}

// rootDirectories always exist.
func (s *Service) isRootDirectory(p string) bool {
	return slices.Contains([]string{"/", "/Users", "/Shared", "/Repos", "/Users/" + s.Options().UserName}, p)
}

// loadObject reads the object at p; the roots are directories.
func (s *Service) loadObject(tx core.Tx, p string) (workspaceObject, bool, error) {
	var o workspaceObject
	found, err := tx.Get(workspaceBucket, p, &o)
	if err == nil && !found && s.isRootDirectory(p) {
		return workspaceObject{ObjectType: objDirectory, Path: p, ObjectID: rootObjectID(p)}, true, nil
	}
	return o, found, err
}

// rootObjectID is a stable id for a root directory.
func rootObjectID(p string) int64 {
	var h int64 = 1000
	for _, c := range p {
		h = h*31 + int64(c)
	}
	return 1_000_000_000 + h%1_000_000_000
}

func pathNotFound(p string) error { return core.NotFound("Path (%s) doesn't exist.", p) }

// newObjectID draws the next workspace object id.
func newObjectID(tx core.Tx) (int64, error) {
	seq, err := tx.NextSeq(workspaceBucket)
	return 3_000_000_000_000_000 + int64(seq), err
}

// mkdirsIn creates p and its missing parents as directories.
func (s *Service) mkdirsIn(tx core.Tx, p string) error {
	var missing []string
	for dir := p; ; dir = path.Dir(dir) {
		o, found, err := s.loadObject(tx, dir)
		if err != nil {
			return err
		}
		if found {
			if o.ObjectType != objDirectory && o.ObjectType != objRepo {
				return core.APIErr(http.StatusBadRequest, core.CodeResourceAlreadyExists, "Node named '%s' already exists and is not a directory.", o.Path)
			}
			break
		}
		missing = append(missing, dir)
	}
	for _, dir := range slices.Backward(missing) {
		id, err := newObjectID(tx)
		if err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		if err := tx.Put(workspaceBucket, dir, workspaceObject{ObjectType: objDirectory, Path: dir, ObjectID: id, CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) mkdirs(r *http.Request) (any, error) {
	var req struct {
		Path string `json:"path"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	p, err := wsPath("path", req.Path)
	if err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error { return s.mkdirsIn(tx, p) })
}

// importRequest is the body of workspace/import, from JSON or a form.
type importRequest struct {
	Path      string `json:"path"`
	Format    string `json:"format"`
	Language  string `json:"language"`
	Content   string `json:"content"`
	Overwrite bool   `json:"overwrite"`
}

func decodeImport(r *http.Request) (importRequest, error) {
	var req importRequest
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		return req, core.DecodeBody(r, &req)
	}
	if err := r.ParseMultipartForm(maxImportBytes); err != nil {
		return req, core.APIErr(http.StatusBadRequest, core.CodeMalformedRequest, "Could not read the multipart form: %v", err)
	}
	req.Path, req.Format, req.Language = r.FormValue("path"), r.FormValue("format"), r.FormValue("language")
	req.Overwrite = r.FormValue("overwrite") == "true"
	if f, _, err := r.FormFile("content"); err == nil {
		raw, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
		_ = f.Close()
		if err != nil {
			return req, core.APIErr(http.StatusBadRequest, core.CodeMalformedRequest, "Could not read the content: %v", err)
		}
		req.Content = base64.StdEncoding.EncodeToString(raw)
	}
	return req, nil
}

func (s *Service) importObject(r *http.Request) (any, error) {
	req, err := decodeImport(r)
	if err != nil {
		return nil, err
	}
	p, err := wsPath("path", req.Path)
	if err != nil {
		return nil, err
	}
	if req.Format == "" {
		req.Format = "SOURCE"
	}
	if err := core.OneOf("format", req.Format, importFormats); err != nil {
		return nil, err
	}
	if err := core.OneOf("language", req.Language, languages); err != nil {
		return nil, err
	}
	content, err := base64.StdEncoding.DecodeString(req.Content)
	if err != nil {
		return nil, core.InvalidParam("content must be base64-encoded.")
	}
	if len(content) > maxImportBytes {
		return nil, core.APIErr(http.StatusBadRequest, "MAX_NOTEBOOK_SIZE_EXCEEDED", "File size imported is (%d bytes), exceeded max size (%d bytes)", len(content), maxImportBytes)
	}
	obj := workspaceObject{ObjectType: objFile, Path: p, Content: req.Content, Size: int64(len(content))}
	ext := strings.ToLower(path.Ext(p))
	switch req.Format {
	case "DBC", "HTML", "R_MARKDOWN":
		return nil, core.InvalidParam("The emulator does not import %s archives; use SOURCE, JUPYTER, AUTO or RAW.", req.Format)
	case "SOURCE", "JUPYTER":
		obj.ObjectType, obj.Language = objNotebook, req.Language
		if req.Format == "JUPYTER" {
			obj.Language = "PYTHON"
		}
		if obj.Language == "" {
			return nil, core.InvalidParam("The language must be specified when importing a notebook in %s format.", req.Format)
		}
	case "AUTO":
		if lang, ok := notebookExtensions[ext]; ok && (ext == ".ipynb" || slices.ContainsFunc(notebookHeaders, func(h string) bool { return strings.HasPrefix(string(content), h) })) {
			obj.ObjectType, obj.Language = objNotebook, lang
		}
	}
	if obj.ObjectType == objNotebook {
		if _, known := notebookExtensions[ext]; known {
			obj.Path = strings.TrimSuffix(p, path.Ext(p))
		}
	}
	err = s.Store().Update(func(tx core.Tx) error {
		parent := path.Dir(obj.Path)
		if po, found, err := s.loadObject(tx, parent); err != nil || !found || po.ObjectType != objDirectory && po.ObjectType != objRepo {
			if err == nil {
				err = core.NotFound("The parent folder (%s) does not exist.", parent)
			}
			return err
		}
		old, exists, err := s.loadObject(tx, obj.Path)
		if err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		switch {
		case exists && (!req.Overwrite || old.ObjectType == objDirectory || old.ObjectType == objRepo):
			return core.APIErr(http.StatusBadRequest, core.CodeResourceAlreadyExists, "Path (%s) already exists.", obj.Path)
		case exists:
			obj.ObjectID, obj.CreatedAt = old.ObjectID, old.CreatedAt
		default:
			id, err := newObjectID(tx)
			if err != nil {
				return err
			}
			obj.ObjectID, obj.CreatedAt = id, now
		}
		obj.ModifiedAt = now
		return tx.Put(workspaceBucket, obj.Path, obj)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// objectAt loads the object a query's path names.
func (s *Service) objectAt(r *http.Request) (workspaceObject, error) {
	p, err := wsPath("path", r.URL.Query().Get("path"))
	if err != nil {
		return workspaceObject{}, err
	}
	var o workspaceObject
	err = s.Store().View(func(tx core.Tx) error {
		var found bool
		o, found, err = s.loadObject(tx, p)
		if err == nil && !found {
			err = pathNotFound(p)
		}
		return err
	})
	return o, err
}

func (s *Service) getObjectStatus(r *http.Request) (any, error) {
	o, err := s.objectAt(r)
	if err != nil {
		return nil, err
	}
	return o.info(), nil
}

func (s *Service) exportObject(r *http.Request) (any, error) {
	format := r.URL.Query().Get("format")
	if err := core.OneOf("format", format, exportFormats); err != nil {
		return nil, err
	}
	o, err := s.objectAt(r)
	if err != nil {
		return nil, err
	}
	if o.ObjectType == objDirectory || o.ObjectType == objRepo {
		return nil, core.InvalidParam("Cannot export %s (%s) in %s format; directories export only as DBC archives.", strings.ToLower(o.ObjectType), o.Path, cmp.Or(format, "SOURCE"))
	}
	fileType := strings.TrimPrefix(path.Ext(o.Path), ".")
	if o.ObjectType == objNotebook {
		fileType = map[string]string{"PYTHON": "py", "SQL": "sql", "SCALA": "scala", "R": "r"}[o.Language]
	}
	return map[string]any{"content": o.Content, "file_type": fileType}, nil
}

func (s *Service) listObjects(r *http.Request) (any, error) {
	dir, err := s.objectAt(r)
	if err != nil {
		return nil, err
	}
	if dir.ObjectType != objDirectory && dir.ObjectType != objRepo {
		return map[string]any{"objects": []workspaceObject{dir.info()}}, nil
	}
	prefix := strings.TrimSuffix(dir.Path, "/") + "/"
	out := []workspaceObject{}
	err = s.Store().View(func(tx core.Tx) error {
		return tx.ForEach(workspaceBucket, prefix, func(key string, _ []byte) error {
			if strings.Contains(key[len(prefix):], "/") {
				return nil
			}
			o, _, err := s.loadObject(tx, key)
			out = append(out, o.info())
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"objects": out}, nil
}

func (s *Service) deleteObject(r *http.Request) (any, error) {
	var req struct {
		Path      string `json:"path"`
		Recursive bool   `json:"recursive"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	p, err := wsPath("path", req.Path)
	if err != nil {
		return nil, err
	}
	if s.isRootDirectory(p) {
		return nil, core.APIErr(http.StatusForbidden, core.CodePermissionDenied, "Folder (%s) is a system folder and cannot be deleted.", p)
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		o, found, err := s.loadObject(tx, p)
		if err != nil || !found {
			if err == nil {
				err = pathNotFound(p)
			}
			return err
		}
		under, err := core.GetAll[workspaceObject](tx, workspaceBucket, p+"/")
		if err != nil {
			return err
		}
		if len(under) > 0 && !req.Recursive {
			return core.APIErr(http.StatusBadRequest, "DIRECTORY_NOT_EMPTY", "Folder (%s) is not empty.", p)
		}
		// Git folders are also in the repos list.
		for _, gone := range append(under, o) {
			if gone.ObjectType == objRepo {
				if err := tx.Delete(reposBucket, strconv.FormatInt(gone.ObjectID, 10)); err != nil {
					return err
				}
			}
		}
		if err := deleteUnder(tx, workspaceBucket, p+"/"); err != nil {
			return err
		}
		return tx.Delete(workspaceBucket, p)
	})
}

// workspaceObjectExists is the permissions API's existence check for
// notebooks, directories, files and git folders, which it names by id.
func workspaceObjectExists(objectType string) func(core.Tx, string) (bool, error) {
	return func(tx core.Tx, id string) (bool, error) {
		all, err := core.GetAll[workspaceObject](tx, workspaceBucket, "")
		return slices.ContainsFunc(all, func(o workspaceObject) bool {
			return o.ObjectType == objectType && strconv.FormatInt(o.ObjectID, 10) == id
		}), err
	}
}
