package emulator

import "net/http"

// NewServer opens the store in opts.DataDir and builds the emulator: the
// core, then every service's routes.
func NewServer(opts Options) (*Server, error) {
	s, err := newCore(opts)
	if err != nil {
		return nil, err
	}
	s.workspaceRoutes()
	s.githubRoutes()
	s.hosted = newWorkspaceHosts(s, func(id string) (*Server, error) {
		c, err := s.child(id)
		if err != nil {
			return nil, err
		}
		c.workspaceRoutes()
		c.githubRoutes()
		return c, nil
	})
	s.armRoutes()
	s.entraRoutes()
	s.whenReset(s.hosted.closeAll)
	s.whenClosed(s.hosted.closeAll)
	s.console = http.NewServeMux()
	s.consoleRoutes()
	s.mount(consolePrefix, s.serveConsole)
	if err := s.rehostWorkspaces(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}
