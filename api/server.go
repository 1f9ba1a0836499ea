package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	root "github.com/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/internal/buildinfo"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultMaxBodyBytes is the default request body limit.
const DefaultMaxBodyBytes = 1 << 20

var discard = slog.New(slog.DiscardHandler)

// Server is the REST API of a civicspace.Service: an http.Handler that
// serves every operation of openapi.yaml and nothing else.
type Server struct {
	svc     *civicspace.Service
	logger  *slog.Logger
	maxBody int64
	routeMW []func(http.Handler) http.Handler

	spec    *openapi3.T
	metrics *metrics
	// auth is authentication and the admin operations' stores (auth.go);
	// operations maps route patterns to operationIds (operationRules).
	auth       authState
	operations map[string]string
	docs       http.Handler
	routes     []string
	mux        *http.ServeMux
	handler    http.Handler
	// edgeOptions are the settings of the outer layers (proxy.go):
	// trusted proxies, base path, CORS, compression, version.
	edgeOptions
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger for access logs and server errors; the
// default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) {
		if l != nil {
			s.logger = l
		}
	}
}

// WithMaxBodyBytes sets the request body limit (DefaultMaxBodyBytes by
// default); larger bodies are answered 413.
func WithMaxBodyBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxBody = n
		}
	}
}

// WithRouteMiddleware adds middleware that runs after routing (r.Pattern is
// set), after authentication (the caller is in the context:
// civicspace.PrincipalFromContext) and before request validation. The
// first middleware given runs first.
func WithRouteMiddleware(mw ...func(http.Handler) http.Handler) Option {
	return func(s *Server) { s.routeMW = append(s.routeMW, mw...) }
}

// New returns the API server of svc, whose Catalog, Countries, Store and
// Scorer must be set.
func New(svc *civicspace.Service, opts ...Option) (*Server, error) {
	if svc == nil || svc.Catalog == nil || svc.Countries == nil || svc.Store == nil || svc.Scorer == nil {
		return nil, fmt.Errorf("api: the service needs a catalog, a country table, a store and a scorer")
	}
	s := &Server{svc: svc, logger: discard, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(s)
	}
	spec, err := LoadSpec()
	if err != nil {
		return nil, err
	}
	s.spec = spec
	s.metrics = newMetrics()
	build := buildinfo.Get()
	s.version = build.Version
	s.metrics.registry.MustRegister(buildInfoMetric(build))
	s.auth.init(svc.Store)
	s.operations = map[string]string{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			s.operations[method+" "+path] = op.OperationID
		}
	}
	s.docs = docsHandler(spec.Info.Title, s.basePath)

	// Per route, innermost last: the route middleware, then validation,
	// then the strict handler. The generated code applies the list
	// last-to-first, hence the reversal. Authentication and the Service's
	// operation-level rule run before all of them, ahead of the generated
	// wrapper that binds parameters (recordingMux): a caller without the
	// right learns nothing about the operation's input.
	perRoute := []MiddlewareFunc{newValidator(spec).middleware}
	for _, mw := range slices.Backward(s.routeMW) {
		perRoute = append(perRoute, MiddlewareFunc(mw))
	}
	strict := NewStrictHandlerWithOptions(s, []StrictMiddlewareFunc{keepRequest}, StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  requestErrorHandler,
		ResponseErrorHandlerFunc: writeError,
	})
	s.mux = http.NewServeMux()
	HandlerWithOptions(strict, StdHTTPServerOptions{
		BaseRouter:       recordingMux{s.mux, &s.routes, s.authMiddleware},
		Middlewares:      perRoute,
		ErrorHandlerFunc: paramErrorHandler,
	})
	// recover → request ID and access log → body limit → metrics → edge
	// (NUL, UTF-8, JSON syntax) → ETags and 304s → mux
	// (→ route middleware → validation → handler).
	s.handler = s.outer(s.recoverer(s.requestLog(limitBody(s.maxBody, s.metrics.instrument(edge(httpCache(http.HandlerFunc(s.route))))))))
	return s, nil
}

// LoadSpec parses and validates the embedded openapi.yaml.
func LoadSpec() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(root.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("api: load openapi.yaml: %w", err)
	}
	if err := spec.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml is invalid: %w", err)
	}
	return spec, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists the routes the server registered ("GET /v1/catalog", ...).
func (s *Server) Routes() []string { return slices.Clone(s.routes) }

// Registry is the server's private Prometheus registry, for callers that
// add their own collectors.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.registry }

// route dispatches to the mux, and answers its own 404 and 405 as problem
// documents: the mux would write them as plain text.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	// Let the mux decide between 404 and 405 (and compute Allow), then
	// replace its body.
	rec := &muxErrorWriter{header: http.Header{}}
	s.mux.ServeHTTP(rec, r)
	status := rec.status
	switch {
	case status == 0:
		status = http.StatusNotFound
	case status != http.StatusNotFound && status != http.StatusMethodNotAllowed:
		// A redirect to the cleaned path: pass it on as the mux wrote it.
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		return
	}
	code, detail := civicspace.ENOTFOUND, fmt.Sprintf("no operation at %s", r.URL.Path)
	if status == http.StatusMethodNotAllowed {
		allow := rec.header.Get("Allow")
		w.Header().Set("Allow", allow)
		code, detail = codeMethodNotAllowed, fmt.Sprintf("%s does not take %s (it takes %s)", r.URL.Path, r.Method, allow)
	}
	writeProblem(w, r, status, code, detail, nil)
}

// muxErrorWriter captures the mux's own 404 or 405.
type muxErrorWriter struct {
	header http.Header
	status int
}

func (w *muxErrorWriter) Header() http.Header         { return w.header }
func (w *muxErrorWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *muxErrorWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

// recordingMux records the routes the generated code registers and puts
// authentication (authMiddleware) ahead of each route's handler.
type recordingMux struct {
	*http.ServeMux
	routes *[]string
	auth   func(http.Handler) http.Handler
}

func (m recordingMux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	*m.routes = append(*m.routes, pattern)
	m.ServeMux.Handle(pattern, m.auth(http.HandlerFunc(handler)))
}

// keepRequest puts the *http.Request into the context of every operation,
// for those that follow the Accept header (comparisons, scorecards,
// summaries) and those whose responses are written by an http.Handler of
// a library (promhttp, Swagger UI's file server), which needs the request.
func keepRequest(f StrictHandlerFunc, _ string) StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		return f(context.WithValue(ctx, requestKey, r), w, r, request)
	}
}

// handlerResponse is a response written by an http.Handler.
type handlerResponse struct {
	h http.Handler
	r *http.Request
}

func (s *Server) handlerResponse(ctx context.Context, h http.Handler) (handlerResponse, error) {
	r, ok := ctx.Value(requestKey).(*http.Request)
	if !ok {
		return handlerResponse{}, fmt.Errorf("api: the request is not in the context")
	}
	return handlerResponse{h: h, r: r}, nil
}

func (hr handlerResponse) serve(w http.ResponseWriter) error {
	hr.h.ServeHTTP(w, hr.r)
	return nil
}

func (hr handlerResponse) VisitGetMetricsResponse(w http.ResponseWriter) error   { return hr.serve(w) }
func (hr handlerResponse) VisitGetDocsResponse(w http.ResponseWriter) error      { return hr.serve(w) }
func (hr handlerResponse) VisitGetDocsAssetResponse(w http.ResponseWriter) error { return hr.serve(w) }

// GetHealth answers while the process serves requests.
func (s *Server) GetHealth(ctx context.Context, _ GetHealthRequestObject) (GetHealthResponseObject, error) {
	return GetHealth200JSONResponse{Status: HealthStatusOk}, nil
}

// GetReadiness checks the store answers and the policy is loaded.
func (s *Server) GetReadiness(ctx context.Context, _ GetReadinessRequestObject) (GetReadinessResponseObject, error) {
	checks := map[string]string{"store": "ok", "policy": "ok"}
	var failed []string
	if err := s.svc.Store.Ping(ctx); err != nil {
		logger(ctx).WarnContext(ctx, "not ready: store", "err", err)
		checks["store"], failed = "unavailable", append(failed, "store")
	}
	if s.draining.Load() {
		checks["server"], failed = "draining", append(failed, "shutting down")
	}
	if s.svc.Scorer.PolicyDigest() == "" {
		checks["policy"], failed = "not loaded", append(failed, "policy")
	}
	if len(failed) > 0 {
		return nil, &httpError{status: http.StatusServiceUnavailable, code: civicspace.EINTERNAL, detail: "not ready: " + strings.Join(failed, ", ")}
	}
	return GetReadiness200JSONResponse{Status: HealthStatusOk, Checks: checks}, nil
}

// GetMetrics serves the private registry in the Prometheus formats.
func (s *Server) GetMetrics(ctx context.Context, _ GetMetricsRequestObject) (GetMetricsResponseObject, error) {
	return s.handlerResponse(ctx, promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
}

// GetOpenAPI serves the embedded openapi.yaml.
func (s *Server) GetOpenAPI(ctx context.Context, _ GetOpenAPIRequestObject) (GetOpenAPIResponseObject, error) {
	return GetOpenAPI200ApplicationYamlResponse{Body: bytes.NewReader(root.OpenAPI), ContentLength: int64(len(root.OpenAPI))}, nil
}

// GetDocs serves the Swagger UI page.
func (s *Server) GetDocs(ctx context.Context, _ GetDocsRequestObject) (GetDocsResponseObject, error) {
	return s.handlerResponse(ctx, s.docs)
}

// GetDocsAsset serves the page's embedded scripts, styles and icons.
func (s *Server) GetDocsAsset(ctx context.Context, _ GetDocsAssetRequestObject) (GetDocsAssetResponseObject, error) {
	return s.handlerResponse(ctx, s.docs)
}
