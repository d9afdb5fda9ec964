package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// ListenAndServe runs srv on addr until ctx is cancelled, then shuts down
// gracefully (in-flight requests get a few seconds) and closes the store. It
// prints to out the shell lines a user needs to point clients at it.
func ListenAndServe(ctx context.Context, srv *Server, addr string, out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	host := "http://" + ln.Addr().String()
	if !isLoopback(ln.Addr()) {
		srv.log.Warn("the emulator is listening on a non-loopback address; anyone who can reach it and knows a token can use it", "addr", ln.Addr().String())
	}
	fmt.Fprintf(out, "BrickOps emulator listening on %s (data in %s)\n", host, srv.opts.DataDir)
	fmt.Fprintf(out, "export DATABRICKS_HOST=%s\n", host)
	fmt.Fprintf(out, "export DATABRICKS_TOKEN=%s\n", srv.opts.Tokens[0])
	fmt.Fprintf(out, "export DATABRICKS_CLOUD=azure\n")
	fmt.Fprintf(out, "export GITHUB_API_URL=%s%s\n", host, githubBase)

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		_ = srv.Close()
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
