package core

import (
	"net/http"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/version"
)

// operatorPrefix is where the emulator's own endpoints live: health, reset,
// the request log and fault injection. No real API shares it.
const operatorPrefix = "/_emulator/"

func (s *Server) health(r *http.Request) (any, error) {
	return map[string]any{"status": "ok", "version": version.Version}, nil
}

func (s *Server) reset(r *http.Request) (any, error) {
	for _, f := range s.onReset {
		f()
	}
	if err := s.resetTableData(); err != nil {
		return nil, err
	}
	if err := s.store.Reset(); err != nil {
		return nil, err
	}
	// The clock keeps its time: it never runs backwards.
	if err := s.clock.Persist(); err != nil {
		return nil, err
	}
	s.faults.set(FaultConfig{})
	return map[string]any{}, nil
}

// requests lists recent requests: ?since=SEQ returns only newer ones,
// ?path_prefix=/api/2.1/clusters filters by path.
func (s *Server) requests(r *http.Request) (any, error) {
	var since uint64
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, InvalidParam("Invalid value for parameter 'since': %q is not a sequence number", v)
		}
		since = n
	}
	return map[string]any{"requests": s.reqLog.Since(since, r.URL.Query().Get("path_prefix"))}, nil
}

func (s *Server) clearRequests(r *http.Request) (any, error) {
	s.reqLog.clear()
	return map[string]any{}, nil
}

func (s *Server) getFaults(r *http.Request) (any, error) { return s.faults.Get(), nil }

func (s *Server) putFaults(r *http.Request) (any, error) {
	var c FaultConfig
	if err := DecodeBody(r, &c); err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	s.faults.set(c)
	return s.faults.Get(), nil
}

func (s *Server) clearFaults(r *http.Request) (any, error) {
	s.faults.set(FaultConfig{})
	return s.faults.Get(), nil
}

// SetFaults installs fault rules, as PUT /_emulator/faults does; the
// `brickops emulator --fault-*` flags use it at start.
func (s *Server) SetFaults(c FaultConfig) error {
	if err := c.validate(); err != nil {
		return err
	}
	s.faults.set(c)
	return nil
}

// listRoutes lists every route the emulator serves with its family, in the
// route table's order. The bad-input suite checks that it covers each.
func (s *Server) listRoutes(r *http.Request) (any, error) {
	return map[string]any{"routes": s.routeTable}, nil
}
