package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/web"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() { commands = append(commands, newServeCmd) }

// serveConfig is what `civicspace serve` is told.
type serveConfig struct {
	addr            string
	db              string
	logLevel        string
	maxBody         byteSize
	policyDir       string
	shutdownTimeout time.Duration
	rateLimit       float64
	// trustedProxies, basePath, corsOrigins and metricsAddr are the
	// settings for running behind a proxy (operations.go).
	trustedProxies []string
	basePath       string
	corsOrigins    []string
	metricsAddr    string
	drainDelay     time.Duration
}

// HTTP server timeouts. The write timeout leaves room for the longest
// request, an inline score under the policy's evaluation deadline.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

func newServeCmd(a *app) *cobra.Command {
	cfg := serveConfig{maxBody: api.DefaultMaxBodyBytes}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the REST API",
		Long: `Serve opens the database (migrating its schema), loads the catalog and
the scoring policy, and serves the web app at / and the REST API described
by openapi.yaml under /v1, with its interactive reference at /docs.

Every flag can also be set in the environment (CIVICSPACE_ADDR, CIVICSPACE_DB,
CIVICSPACE_LOG_LEVEL, CIVICSPACE_MAX_BODY, CIVICSPACE_POLICY,
CIVICSPACE_SHUTDOWN_TIMEOUT); a flag given on the command line wins. Logs are
JSON lines on standard error, each with the request's ID. SIGINT or SIGTERM
stops accepting connections and lets requests in flight finish.`,
		Example: `  civicspace serve
  civicspace serve --addr 0.0.0.0:8080 --db postgres://civicspace@db:5432/civicspace
  CIVICSPACE_LOG_LEVEL=debug civicspace serve --policy ./policy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags(), serveEnv); err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			return a.serve(cmd.Context(), cfg)
		},
	}
	cmd.SetFlagErrorFunc(invalidFlag)
	f := cmd.Flags()
	f.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	addDBFlag(cmd, &cfg.db)
	f.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.Var(&cfg.maxBody, "max-body", "largest request body accepted (bytes, or with KiB or MiB); larger ones get 413")
	f.StringVar(&cfg.policyDir, "policy", "", "directory of Rego modules and data documents overriding the built-in policy")
	f.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long requests in flight may take to finish at shutdown")
	f.Float64Var(&cfg.rateLimit, "rate-limit", 0, "requests per second each API key may make (bursts of twice that); 0 for no limit")
	addOperationsFlags(f, &cfg)
	return cmd
}

// invalidFlag makes a flag that does not parse an invalid-input exit.
func invalidFlag(_ *cobra.Command, err error) error {
	return &exitError{code: exitInvalid, err: err}
}

// serveEnv names the environment variable of each flag of serve (--db has
// its own, see addDBFlag).
var serveEnv = map[string]string{
	"addr":             "CIVICSPACE_ADDR",
	"log-level":        "CIVICSPACE_LOG_LEVEL",
	"max-body":         "CIVICSPACE_MAX_BODY",
	"policy":           "CIVICSPACE_POLICY",
	"shutdown-timeout": "CIVICSPACE_SHUTDOWN_TIMEOUT",
	"rate-limit":       "CIVICSPACE_RATE_LIMIT",
	"trusted-proxies":  "CIVICSPACE_TRUSTED_PROXIES",
	"base-path":        "CIVICSPACE_BASE_PATH",
	"cors-origins":     "CIVICSPACE_CORS_ORIGINS",
	"metrics-addr":     "CIVICSPACE_METRICS_ADDR",
	"drain-delay":      "CIVICSPACE_DRAIN_DELAY",
}

// applyEnv sets each flag not given on the command line from its
// environment variable, if that is set.
func applyEnv(f *pflag.FlagSet, envs map[string]string) error {
	for flag, env := range envs {
		v := os.Getenv(env)
		if v == "" || f.Changed(flag) {
			continue
		}
		if err := f.Set(flag, v); err != nil {
			return fmt.Errorf("%s=%q: %w", env, v, err)
		}
	}
	return nil
}

// byteSize is a size flag: 1048576, 512KiB, 1MiB.
type byteSize int64

func (b *byteSize) String() string {
	switch n := int64(*b); {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	default:
		return strconv.FormatInt(n, 10)
	}
}

func (b *byteSize) Set(s string) error {
	num, mult := s, int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			num, mult = strings.TrimSuffix(s, suffix), m
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return fmt.Errorf("%q is not a size: give bytes, or a number with KiB, MiB or GiB", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func (b *byteSize) Type() string { return "size" }

func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown log level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// serve runs the API server until ctx is cancelled (SIGINT, SIGTERM), then
// drains it.
func (a *app) serve(ctx context.Context, cfg serveConfig) error {
	level, err := parseLogLevel(cfg.logLevel)
	if err != nil {
		return &exitError{code: exitInvalid, err: err}
	}
	logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: level}))

	db, err := parseDatabase(cfg.db)
	if err != nil {
		return &exitError{code: exitInvalid, err: err}
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	scorer, err := newPolicyScorer(cat, cfg.policyDir)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.db, logger)
	if err != nil {
		return fmt.Errorf("open %s: %w", db, err)
	}
	defer store.Close()

	svc := &civicspace.Service{
		Catalog:   cat,
		Countries: civicspace.DefaultCountries(),
		Store:     store,
		Scorer:    scorer,
		Packs:     &opa.PackCompiler{Catalog: cat, Countries: civicspace.DefaultCountries()},
		Logger:    logger,
	}
	opOpts, err := operationsOptions(cfg)
	if err != nil {
		return &exitError{code: exitInvalid, err: err}
	}
	handler, err := api.New(svc, append(opOpts, api.WithLogger(logger), api.WithMaxBodyBytes(int64(cfg.maxBody)),
		api.WithRateLimit(cfg.rateLimit, int(2*cfg.rateLimit)))...)
	if err != nil {
		return err
	}
	// The web app at /, the API (and its docs) for every other path.
	app, err := web.New(svc, web.WithAPI(handler), web.WithVerifier(handler.VerifyKey), web.WithLogger(logger))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           api.StripBasePath(cfg.basePath, app),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(a.stdout, "civicspace serving http://%s (database %s, catalog %s, policy %s)\n",
		ln.Addr(), db, cat.Version(), shortDigest(scorer.PolicyDigest()))
	logger.Info("serving", "addr", ln.Addr().String(), "database", db.String(),
		"catalog_version", cat.Version(), "policy_digest", scorer.PolicyDigest())

	stopMetrics, err := a.serveMetrics(cfg.metricsAddr, handler, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	drain(handler, cfg.drainDelay, logger)
	logger.Info("shutting down: draining requests in flight", "timeout", cfg.shutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	fmt.Fprintln(a.stdout, "civicspace stopped")
	return nil
}
