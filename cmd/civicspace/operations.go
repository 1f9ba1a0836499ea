package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/spf13/pflag"
)

// addOperationsFlags adds the flags of serve for running behind a reverse
// proxy and for monitoring (docs/operations.md).
func addOperationsFlags(f *pflag.FlagSet, cfg *serveConfig) {
	f.StringVar(&cfg.metricsAddr, "metrics-addr", "", "also serve /metrics, without an API key, on this address (HOST:PORT) for the monitoring network only")
	f.DurationVar(&cfg.drainDelay, "drain-delay", 0, "on SIGTERM, how long /readyz answers 503 while requests are still served, before the listener closes (give the load balancer time to notice)")
	f.StringVar(&cfg.basePath, "base-path", "", "path prefix a reverse proxy publishes the server under (/civicspace): Location, Link and /docs links carry it")
	f.StringSliceVar(&cfg.corsOrigins, "cors-origins", nil, "origins (https://dashboard.example.org, comma-separated, or *) whose web pages may read the public API from the browser")
	f.StringSliceVar(&cfg.trustedProxies, "trusted-proxies", nil, "reverse proxies (CIDRs or addresses, comma-separated) whose Forwarded and X-Forwarded-For headers name the client")
}

// operationsOptions turns the operations flags into options of the API
// server.
func operationsOptions(cfg serveConfig) ([]api.Option, error) {
	var prefixes []netip.Prefix
	for _, s := range cfg.trustedProxies {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither a CIDR (10.0.0.0/8) nor an address", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		prefixes = append(prefixes, p.Masked())
	}
	var opts []api.Option
	if len(prefixes) > 0 {
		opts = append(opts, api.WithTrustedProxies(prefixes...))
	}
	if cfg.basePath != "" {
		if !strings.HasPrefix(cfg.basePath, "/") || strings.ContainsAny(cfg.basePath, "?#% ") {
			return nil, fmt.Errorf("--base-path: %q is not a path such as /civicspace", cfg.basePath)
		}
		opts = append(opts, api.WithBasePath(cfg.basePath))
	}
	for _, o := range cfg.corsOrigins {
		if o = strings.TrimSpace(o); o != "" {
			if o != "*" && !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
				return nil, fmt.Errorf("--cors-origins: %q is not an origin such as https://example.org (or *)", o)
			}
			opts = append(opts, api.WithCORSOrigins(strings.TrimSuffix(o, "/")))
		}
	}
	return opts, nil
}

// serveMetrics serves handler's metrics, without authentication, on addr
// (nothing when addr is empty); stop shuts that listener down.
func (a *app) serveMetrics(addr string, handler *api.Server, logger *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", handler.MetricsHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "err", err)
		}
	}()
	fmt.Fprintf(a.stdout, "civicspace metrics at http://%s/metrics\n", ln.Addr())
	logger.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// drain turns /readyz to 503 and, for delay, keeps serving so that load
// balancers see it and stop sending requests before the listener closes.
func drain(handler *api.Server, delay time.Duration, logger *slog.Logger) {
	handler.Drain()
	if delay <= 0 {
		return
	}
	logger.Info("draining: /readyz answers 503", "delay", delay.String())
	time.Sleep(delay)
}
