package azure

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Hosting several workspaces in one emulator.
//
// Every Azure Databricks workspace has its own host (adb-<id>.<n>.azuredatabricks.net)
// and databricks-sdk-go keeps only scheme://host[:port] of a configured host
// — it drops any path (config.go, fixHostIfNeeded) — so workspaces cannot be
// told apart by a path prefix. Names like <id>.localhost do not resolve
// everywhere either. So each workspace created through ARM is served on its
// own loopback port. Over TLS (Options.TLS, emulatortest.StartTLS) its
// workspaceUrl is 127.0.0.1:<port> — a bare host like Azure's, which users
// and the SDK prefix with https:// — and the workspace is served over HTTPS
// with the emulator's certificate; without TLS it is http://127.0.0.1:<port>.
// The port is kept with the workspace and reused after a restart when it is
// free.
//
// A hosted workspace is a child Server: the same route table, tokens and
// Entra ID key as the root, its own request log and faults, and its state in
// its own buckets of the root's store ("ws/<workspaceId>/…"). The root
// listener keeps serving the default workspace (no prefix) plus ARM, Entra
// ID, GitHub and the operator endpoints; a workspace's port serves only the
// workspace API and that workspace's operator endpoints.

// WorkspaceHosts are the workspaces created through ARM, each served on its
// own listener by a child server.
type WorkspaceHosts struct {
	root *Service
	// newChild builds the server of a hosted workspace: a child core with
	// the workspace routes, injected by the assembly.
	newChild func(id string) (*core.Server, error)
	mu       sync.Mutex
	hosts    map[string]*workspaceHost
}

type workspaceHost struct {
	srv  *core.Server
	http *http.Server
	port int
}

func newWorkspaceHosts(root *Service, newChild func(id string) (*core.Server, error)) *WorkspaceHosts {
	return &WorkspaceHosts{root: root, newChild: newChild, hosts: map[string]*workspaceHost{}}
}

// add starts serving workspace id on port (0: any free port; a taken port
// falls back to a free one) and returns the port.
func (h *WorkspaceHosts) add(id string, port int) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if existing, ok := h.hosts[id]; ok {
		return existing.port, nil
	}
	bind := h.root.Options().WorkspaceBindHost
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil && port != 0 {
		h.root.Logger().Warn("workspace port taken; serving the workspace on a new port", "workspace_id", id, "port", port, "error", err)
		ln, err = net.Listen("tcp", net.JoinHostPort(bind, "0"))
	}
	if err != nil {
		return 0, fmt.Errorf("listening for workspace %s: %w", id, err)
	}
	if cfg := h.root.Options().WorkspaceTLS; cfg != nil {
		ln = tls.NewListener(ln, cfg.Clone())
	}
	child, err := h.newChild(id)
	if err != nil {
		_ = ln.Close()
		return 0, err
	}
	hs := &http.Server{Handler: child, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.root.Logger().Error("serving workspace", "workspace_id", id, "error", err)
		}
	}()
	wh := &workspaceHost{srv: child, http: hs, port: ln.Addr().(*net.TCPAddr).Port}
	h.hosts[id] = wh
	return wh.port, nil
}

// url is the workspaceUrl of a hosted port: host:port like Azure's bare
// host names when workspaces are served over HTTPS (clients add https://),
// a full http:// URL otherwise.
func (h *WorkspaceHosts) url(port int) string {
	hostPort := net.JoinHostPort(h.root.Options().WorkspaceBindHost, strconv.Itoa(port))
	if h.root.Options().WorkspaceTLS != nil {
		return hostPort
	}
	return "http://" + hostPort
}

// remove stops serving workspace id and drops its state (the workspace was
// deleted).
func (h *WorkspaceHosts) remove(id string) {
	h.mu.Lock()
	wh, ok := h.hosts[id]
	delete(h.hosts, id)
	h.mu.Unlock()
	if !ok {
		return
	}
	_ = wh.http.Close()
	if err := wh.srv.Store().Reset(); err != nil {
		h.root.Logger().Error("dropping deleted workspace state", "workspace_id", id, "error", err)
	}
}

// closeAll stops serving every hosted workspace, keeping their state.
func (h *WorkspaceHosts) closeAll() {
	h.mu.Lock()
	hosts := h.hosts
	h.hosts = map[string]*workspaceHost{}
	h.mu.Unlock()
	for _, wh := range hosts {
		_ = wh.http.Close()
	}
}

// Servers returns the hosted workspaces' servers by workspace id.
func (h *WorkspaceHosts) Servers() map[string]*core.Server {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]*core.Server, len(h.hosts))
	for id, wh := range h.hosts {
		out[id] = wh.srv
	}
	return out
}

// RehostWorkspaces serves, after a restart, every workspace ARM knows,
// on its previous port when it is free.
func (s *Service) RehostWorkspaces() error {
	var all []armWorkspace
	if err := s.Store().View(func(tx core.Tx) error {
		var err error
		all, err = core.GetAll[armWorkspace](tx, BucketARMWorkspaces, "")
		return err
	}); err != nil {
		return fmt.Errorf("reading workspaces: %w", err)
	}
	for _, w := range all {
		port, err := s.hosted.add(w.Properties.WorkspaceID, w.Port)
		if err != nil {
			return err
		}
		if port == w.Port && s.hosted.url(port) == w.Properties.WorkspaceURL {
			continue
		}
		key := workspaceKey(w.Sub, w.RG, w.Name)
		if err := s.Store().Update(func(tx core.Tx) error {
			var cur armWorkspace
			if found, err := tx.Get(BucketARMWorkspaces, key, &cur); err != nil || !found {
				return err
			}
			cur.Port, cur.Properties.WorkspaceURL = port, s.hosted.url(port)
			return tx.Put(BucketARMWorkspaces, key, cur)
		}); err != nil {
			return fmt.Errorf("recording the new port of workspace %s: %w", w.Name, err)
		}
	}
	return nil
}
