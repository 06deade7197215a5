// Package daemon is ppksd's lifecycle: it opens the store, listens for gRPC and HTTP (with
// TLS, or on loopback only), serves until its context ends and shuts down gracefully.
package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/server"
	"github.com/opendinsos/ppks/internal/web"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// Config is what the service needs to start.
type Config struct {
	GRPCAddr     string
	HTTPAddr     string
	DBPath       string // a SQLite file, or a postgres:// URL (compose.DBConfig)
	ReferenceDir string // files here replace the embedded reference data
	TimeZone     string // IANA name of the office's time zone
	Reflection   bool   // serve gRPC server reflection
	TLSCert      string // PEM certificate (chain) file; with TLSKey, serve gRPC and HTTPS over TLS
	TLSKey       string // PEM private key file
	// InsecureRemote allows listening beyond loopback without TLS. Bearer tokens and
	// personal data would cross the network in clear text: only for a trusted network or
	// behind a TLS-terminating proxy.
	InsecureRemote bool
	// SmallCellThreshold: published breakdowns hide counts from 1 to it (0: default 3).
	SmallCellThreshold int
	// PostgreSQL only: the connection pool's size and the statement timeout (compose.DBConfig).
	DBMaxConns         int
	DBStatementTimeout time.Duration
	// Sessions bounds the web application's sign-in sessions (zero: 30 min idle, 12 h).
	Sessions ppks.SessionPolicy
	Logger   *slog.Logger
}

// Addrs are the addresses the service listens on, once it does.
type Addrs struct {
	GRPC, HTTP string
}

// shutdownGrace bounds how long in-flight requests may take to finish at shutdown.
const shutdownGrace = 15 * time.Second

// Run serves gRPC and HTTP until ctx ends, then stops accepting, lets in-flight requests
// finish (up to shutdownGrace) and closes the database. ready, when not nil, is called
// with the bound addresses once both listeners accept.
func Run(ctx context.Context, cfg Config, ready func(Addrs)) (err error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	tlsConf, err := cfg.tls()
	if err != nil {
		return err
	}
	if tlsConf == nil && !cfg.InsecureRemote {
		for _, a := range []string{cfg.GRPCAddr, cfg.HTTPAddr} {
			if !isLoopback(a) {
				return fmt.Errorf("refusing to listen on %s without TLS: give --tls-cert and --tls-key, or --insecure-remote", a)
			}
		}
	}
	metrics := server.NewMetrics()
	// Opening may take a while after an upgrade (migrations, a rebuild of the maintained
	// counts: minutes at ten million interventions): say so, and how long it took.
	opening := time.Now()
	dbc := compose.DBConfig{DB: cfg.DBPath, MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementTimeout}
	log.Info("opening the database", "db", dbc.String())
	store, err := compose.OpenStore(ctx, dbc, metrics, log)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}()
	svc, err := compose.NewService(store, cfg.ReferenceDir, cfg.TimeZone)
	if err != nil {
		return err
	}
	svc.SmallCellThreshold = cfg.SmallCellThreshold
	svc.Sessions = cfg.Sessions
	log.Info("database ready", "db", dbc.String(), "took", time.Since(opening).Round(time.Millisecond).String())

	grpcLis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("listen gRPC: %w", err)
	}
	defer grpcLis.Close()
	httpLis, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen HTTP: %w", err)
	}
	defer httpLis.Close()

	srv := server.New(svc, log)
	// Authentication before a message is read, its size limit, the log line and the
	// metrics of every call, refusals and recovered panics included (server/options.go).
	opts := srv.ServerOptions(metrics)
	dialCreds := insecure.NewCredentials()
	if tlsConf != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tlsConf)))
		if dialCreds, err = cfg.selfDialCreds(); err != nil {
			return err
		}
	}
	gs := grpc.NewServer(opts...)
	srv.Register(gs)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	if cfg.Reflection {
		reflection.Register(gs)
	}

	conn, err := grpc.NewClient(dialAddr(grpcLis.Addr()), grpc.WithTransportCredentials(dialCreds))
	if err != nil {
		return fmt.Errorf("gateway client: %w", err)
	}
	defer conn.Close()
	// /metrics needs no token: its labels hold no ids or names (server/metrics.go).
	// The web application (internal/web) beside the REST API: /app/, and / leads to it.
	webapp, err := web.New(svc, log)
	if err != nil {
		return err
	}
	gw, err := srv.NewGateway(ctx, conn, map[string]http.Handler{"GET /metrics": metrics.Handler(),
		web.Prefix + "/": webapp, "GET /{$}": http.RedirectHandler(web.Prefix+"/", http.StatusFound)})
	if err != nil {
		return err
	}
	hsrv := &http.Server{
		Handler:           server.HTTPHandler(log, metrics, gw),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	errc := make(chan error, 2)
	go func() { errc <- gs.Serve(grpcLis) }()
	if tlsConf != nil {
		hsrv.TLSConfig = tlsConf
		httpLis = tls.NewListener(httpLis, tlsConf)
	}
	go func() {
		if err := hsrv.Serve(httpLis); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
			return
		}
		errc <- nil
	}()
	addrs := Addrs{GRPC: grpcLis.Addr().String(), HTTP: httpLis.Addr().String()}
	log.Info("serving", "grpc", addrs.GRPC, "http", addrs.HTTP, "db", dbc.String())
	if ready != nil {
		ready(addrs)
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("shutting down")
	srv.ShuttingDown()
	hs.Shutdown()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	// HTTP first: its in-flight requests still need the gRPC server behind them.
	if err := hsrv.Shutdown(sctx); err != nil {
		log.Warn("HTTP shutdown", "err", err)
	}
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		gs.Stop()
	}
	return nil
}

// dialAddr turns a listener address into one the in-process gateway can dial: a wildcard
// host becomes loopback.
func dialAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}
