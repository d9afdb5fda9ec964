package core

import (
	"context"
	"crypto/tls"
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
	scheme, bundle := "http", ""
	if srv.opts.TLS {
		ln = tls.NewListener(ln, srv.opts.WorkspaceTLS.Clone())
		scheme, bundle = "https", srv.tlsBundle
	}
	host := scheme + "://" + ln.Addr().String()
	if !isLoopback(ln.Addr()) {
		srv.log.Warn("the emulator is listening on a non-loopback address; anyone who can reach it and knows a token can use it", "addr", ln.Addr().String())
	}
	fmt.Fprintf(out, "BrickOps emulator listening on %s (data in %s)\n", host, srv.opts.DataDir)
	fmt.Fprintf(out, "# console: %s%s (log in with the operator token)\n", host, ConsolePrefix)
	fmt.Fprintf(out, "# operator API (%s…): Authorization: Bearer $BRICKOPS_EMULATOR_OPERATOR_TOKEN\n", operatorPrefix)
	fmt.Fprintf(out, "export BRICKOPS_EMULATOR_OPERATOR_TOKEN=%s\n", srv.opts.OperatorToken)
	fmt.Fprintf(out, "export DATABRICKS_HOST=%s\n", host)
	fmt.Fprintf(out, "export DATABRICKS_TOKEN=%s\n", srv.opts.Tokens[0])
	fmt.Fprintf(out, "export DATABRICKS_CLOUD=azure\n")
	fmt.Fprintf(out, "export GITHUB_API_URL=%s%s\n", host, GitHubBase)
	printAzureExports(out, srv.opts.ServicePrincipals, host, bundle)

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

// printAzureExports prints what Azure clients need: the emulator as a
// custom Azure environment (see the provider's azure_environment) and the
// first service principal's credentials. azidentity needs https, so
// without --tls there is only a hint.
func printAzureExports(out io.Writer, sps []ServicePrincipal, host, bundle string) {
	if bundle != "" {
		fmt.Fprintf(out, "export SSL_CERT_FILE=%s\n", bundle)
	}
	if len(sps) == 0 {
		return
	}
	if bundle == "" {
		fmt.Fprintln(out, "# Azure clients (brickops_workspace, azidentity) need https: add --tls to use the service principals.")
		return
	}
	sp := sps[0]
	fmt.Fprintf(out, "export ARM_ENVIRONMENT=custom\nexport AZURE_AUTHORITY_HOST=%s\nexport ARM_RESOURCE_MANAGER_ENDPOINT=%s\n", host, host)
	fmt.Fprintf(out, "export ARM_TENANT_ID=%s\nexport ARM_CLIENT_ID=%s\nexport ARM_CLIENT_SECRET=%s\n", sp.TenantID, sp.ClientID, sp.Secret)
	fmt.Fprintf(out, "export ARM_SUBSCRIPTION_ID=%s\n", EmulatorSubscriptionID)
}

// Where the GitHub API and the console live on the root listener: printed
// here for users, served by the github package and the console.
const (
	GitHubBase    = "/github/"
	ConsolePrefix = "/_console/"
)

// EmulatorSubscriptionID is the subscription the emulator suggests; ARM
// accepts any subscription id.
const EmulatorSubscriptionID = "00000000-0000-0000-0000-000000000000"

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
