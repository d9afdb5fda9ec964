package main

import (
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/heapfloor"
)

// emulatorHeap is when the emulator collects garbage unless GOGC or
// GOMEMLIMIT is set. Its state lives in bbolt's mapping, so the live heap
// is a few MB, but a write allocates ~40 KB and a read ~6 KB: under load,
// at GOGC=400 alone, it collected every 110–150 ms, each cycle a stop of
// the world and a few ms of a core. With a 128 MiB floor it collects about
// every half second, and durable writes at 32 clients had a p99 of
// 3.9–4.7 ms instead of 6.4–7.8 ms (make bench, four alternating runs).
// The price is a heap of up to 128 MiB under load instead of ~40 MiB.
var emulatorHeap = heapfloor.Policy{Floor: 128 << 20, Percent: 400}

func newEmulatorCmd() *cobra.Command {
	var (
		addr    string
		opts    emulator.Options
		fault   emulator.FaultRule
		verbose bool
		sps     []string
	)
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Run the local Azure Databricks API emulator",
		Long: `Runs a local, persistent emulator of the Azure Databricks REST API on loopback.
It prints the export lines that point the Databricks SDK, the BrickOps provider
and this toolkit at it, and serves until interrupted (Ctrl-C or SIGTERM).

State is kept in --data-dir and survives restarts. Operator endpoints under
/_emulator/ reset state, list recent requests and inject faults; they take
their own credential, --operator-token (generated and printed once at start
when not given), and refuse workspace, Entra ID and GitHub tokens.

The same listener serves Azure Resource Manager (resource groups and
Microsoft.Databricks/workspaces) and Entra ID token issuance for the
--service-principal applications. Each workspace created through ARM is
served on its own loopback port, its workspaceUrl. Azure's identity library
needs https: use --tls for azidentity-based clients (brickops_workspace).`,
		Example: `  brickops emulator
  brickops emulator --addr 127.0.0.1:0 --data-dir /tmp/emu --async-delay 0s
  brickops emulator --tls --service-principal 11111111-1111-1111-1111-111111111111:s3cret:22222222-2222-2222-2222-222222222222
  brickops emulator --fault-path-prefix /api/2.1/clusters --fault-503-rate 0.2
  brickops emulator --fault-lost-answer-rate 0.2 --fault-429-rate 0.1 --fault-503-rate 0.1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			level := slog.LevelWarn
			if opts.LogRequests || verbose {
				level = slog.LevelInfo
			}
			for _, v := range sps {
				sp, err := emulator.ParseServicePrincipal(v)
				if err != nil {
					return exitcode.Invalid(err)
				}
				opts.ServicePrincipals = append(opts.ServicePrincipals, sp)
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return exitcode.Invalidf("--addr %q: %v (want HOST:PORT, e.g. 127.0.0.1:8470)", addr, err)
			}
			opts.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
				heapfloor.Keep(emulatorHeap)
			}
			srv, err := emulator.NewServer(opts)
			if err != nil {
				return err
			}
			if fault.LatencyMs > 0 || fault.Rate429 > 0 || fault.Rate503 > 0 || fault.RateLostAnswer > 0 || fault.Status > 0 {
				if err := srv.SetFaults(emulator.FaultConfig{Rules: []emulator.FaultRule{fault}}); err != nil {
					_ = srv.Close()
					return exitcode.Invalid(err)
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return emulator.ListenAndServe(ctx, srv, addr, cmd.OutOrStdout())
		},
	}
	cmd.AddCommand(newEmulatorSeedCmd())
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8470", "address to listen on (port 0 picks a free port)")
	f.StringVar(&opts.DataDir, "data-dir", ".brickops/emulator", "directory holding the emulator's state")
	f.StringSliceVar(&opts.Tokens, "token", []string{emulator.DefaultToken}, "accepted bearer tokens (repeatable); the first is printed")
	f.StringVar(&opts.OperatorToken, "operator-token", "", "the operator API's (/_emulator/) bearer token; generated and printed at start when empty")
	f.BoolVar(&opts.NoSync, "no-fsync", false, "acknowledge writes before they reach the disk: faster, for throwaway state such as a CI job's (a kill -9 loses nothing, a machine crash can lose or corrupt the data dir)")
	f.BoolVar(&opts.LogRequests, "log-requests", false, "log every request to stderr (never its headers)")
	f.IntVar(&opts.RequestLogSize, "request-log-size", emulator.DefaultRequestLogSize, "how many recent requests /_emulator/requests keeps")
	f.BoolVarP(&verbose, "verbose", "v", false, "log operational messages")
	f.DurationVar(&opts.AsyncDelay, "async-delay", emulator.DefaultAsyncDelay, "how long asynchronous transitions (cluster start, endpoint updates, …) take")
	f.StringArrayVar(&sps, "service-principal", nil, "application the emulated Entra ID issues tokens to, as client-id:secret:tenant-id (repeatable)")
	f.StringArrayVar(&opts.ManagedIdentities, "managed-identity", nil, "client id of a --service-principal the managed-identity endpoints (IMDS, App Service) answer for (repeatable; the first is system-assigned); without it they issue no token")
	f.BoolVar(&opts.TLS, "tls", false, "serve HTTPS with a self-signed certificate kept in --data-dir (Azure's identity library requires https); prints the SSL_CERT_FILE to trust")
	f.StringVar(&fault.PathPrefix, "fault-path-prefix", "/api/", "path prefix the --fault-* flags apply to")
	f.IntVar(&fault.LatencyMs, "fault-latency-ms", 0, "added latency per request, in milliseconds")
	f.Float64Var(&fault.Rate429, "fault-429-rate", 0, "fraction of requests answered 429 with Retry-After")
	f.Float64Var(&fault.Rate503, "fault-503-rate", 0, "fraction of requests answered 503 with Retry-After")
	f.Float64Var(&fault.RateLostAnswer, "fault-lost-answer-rate", 0, "fraction of writes (not GET/HEAD) processed whose answer is then lost: 503 with Retry-After after the write happened")
	f.IntVar(&fault.Status, "fault-status", 0, "answer every matching request with this HTTP status")
	return cmd
}
