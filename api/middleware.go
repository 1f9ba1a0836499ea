package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// requestIDHeader carries the request ID both ways: a client or proxy may
// send one, and every response has one.
const requestIDHeader = "X-Request-Id"

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	requestKey
)

// requestID returns the ID of the request ctx belongs to.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// logger returns the logger of the request ctx belongs to: every line it
// writes carries the request ID.
func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return discard
}

// statusWriter records what a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func wrapWriter(w http.ResponseWriter) *statusWriter {
	if sw, ok := w.(*statusWriter); ok {
		return sw
	}
	return &statusWriter{ResponseWriter: w}
}

// recoverer turns a panic into a generic 500 problem: the client sees no
// stack trace, the log has it with the request ID.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := wrapWriter(w)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the server's own way to abort a response
			}
			id := sw.Header().Get(requestIDHeader)
			s.logger.ErrorContext(r.Context(), "panic serving request",
				"request_id", id, "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status != 0 {
				return // too late for a problem document: the client sees a cut response
			}
			ctx := context.WithValue(r.Context(), requestIDKey, id)
			writeProblem(sw, r.WithContext(ctx), http.StatusInternalServerError, civicspace.EINTERNAL, "internal error", nil)
		}()
		next.ServeHTTP(sw, r)
	})
}

// requestLog gives each request an ID (the client's X-Request-Id if it is
// a sane one), a logger that writes it on every line, and an access log
// line when the request ends.
func (s *Server) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(requestIDHeader)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		sw := wrapWriter(w)
		sw.Header().Set(requestIDHeader, id)
		l := s.logger.With("request_id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, l)
		r = r.WithContext(ctx)
		done := false
		defer func() {
			status := sw.status
			if !done && status == 0 {
				status = http.StatusInternalServerError // a panic, answered by recoverer
			}
			l.LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", routeLabel(r)),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Float64("duration_seconds", time.Since(start).Seconds()),
				slog.String("remote_addr", r.RemoteAddr),
				slog.String("client_addr", clientAddr(r)),
			)
		}()
		next.ServeHTTP(sw, r)
		done = true
	})
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// routeLabel is the route template that served r (set by the ServeMux), or
// "unmatched": metric labels must not take arbitrary paths.
func routeLabel(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civicspace_http_requests_total",
			Help: "HTTP requests served, by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "civicspace_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route template and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "civicspace_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// instrument counts and times requests by the route template the mux
// matched. It must wrap the mux directly: the mux sets r.Pattern on the
// request it is given.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		sw := wrapWriter(w)
		defer func() {
			m.inFlight.Dec()
			status := sw.status
			if status == 0 {
				status = http.StatusInternalServerError // a panic, answered by recoverer
			}
			route := routeLabel(r)
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			m.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

// limitBody caps request bodies; reading past the limit fails with an
// *http.MaxBytesError, answered 413.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			writeError(w, r, &http.MaxBytesError{Limit: limit})
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// validator checks each request against its operation in the spec before
// it reaches a handler. It runs after routing, so it looks the operation up
// by the mux's route template instead of routing a second time (and never
// matches the spec's servers).
type validator struct {
	routes  map[string]*routers.Route
	options *openapi3filter.Options
}

func newValidator(spec *openapi3.T) *validator {
	// A bulk import takes NDJSON: text, which the handler reads line by
	// line.
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
	v := &validator{
		routes: map[string]*routers.Route{},
		options: &openapi3filter.Options{
			MultiError: true,
			// Defaults are applied by the handlers; writing them back
			// into the request would re-encode every body.
			SkipSettingDefaults: true,
			// The strict handler binds the value the validator decoded
			// instead of decoding the body a second time.
			KeepValidatedValue: true,
			// Operations declare security: authMiddleware has put the
			// principal in the context, checkSecurity reads it.
			AuthenticationFunc: checkSecurity,
		},
	}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			v.routes[method+" "+path] = &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return v
}

func (v *validator) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := v.routes[r.Pattern]
		if route == nil {
			// Every registered route is an operation of the spec (tested):
			// reaching this is a bug.
			writeError(w, r, fmt.Errorf("no operation in the spec for route %q", r.Pattern))
			return
		}
		if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil && r.ContentLength != 0 {
			if ct := r.Header.Get("Content-Type"); rb.Value.Content.Get(ct) == nil {
				writeError(w, r, &httpError{
					status: http.StatusUnsupportedMediaType,
					code:   civicspace.EINVALID,
					detail: fmt.Sprintf("the request body must be application/json, not %q", ct),
				})
				return
			}
		}
		params := map[string]string{}
		for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
			for _, p := range ps {
				if p.Value != nil && p.Value.In == openapi3.ParameterInPath {
					params[p.Value.Name] = r.PathValue(p.Value.Name)
				}
			}
		}
		input := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options}
		if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, r, mbe)
				return
			}
			writeError(w, r, &httpError{
				status:   http.StatusBadRequest,
				code:     civicspace.EINVALID,
				detail:   "the request does not match the API description",
				problems: validationProblems(err),
				err:      err,
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}
