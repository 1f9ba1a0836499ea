package api

import (
	"net/http"

	"github.com/civicspace/civicspace/internal/buildinfo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// versionHeader names the build that answered, on every response.
const versionHeader = "Civicspace-Version"

// buildInfoMetric is the civicspace_build_info gauge: always 1, labelled
// with the running build, so dashboards can show which version serves and
// alert when replicas differ.
func buildInfoMetric(info buildinfo.Info) prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "civicspace_build_info",
		Help: "The running build of civicspace: always 1, labelled with its version, VCS revision and Go version.",
	}, []string{"version", "revision", "goversion"})
	g.WithLabelValues(info.Version, info.Revision, info.GoVersion).Set(1)
	return g
}

// withVersion sets the version header.
func withVersion(version string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(versionHeader, version)
		next.ServeHTTP(w, r)
	})
}

// Drain marks the server as shutting down: /readyz answers 503 from now
// on, so that load balancers stop sending new requests while the ones in
// flight finish. Serving goes on until the caller shuts the http.Server
// down.
func (s *Server) Drain() { s.draining.Store(true) }

// MetricsHandler serves the server's metrics in the Prometheus formats with
// no authentication, for a listener of its own that only the monitoring
// network reaches (serve --metrics-addr). GET /metrics on the API keeps
// requiring an admin key.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
}
