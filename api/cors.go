package api

import (
	"net/http"

	"github.com/rs/cors"
)

// WithCORSOrigins lets web pages on these origins (https://example.org, or
// "*" for any) read the API from the browser: the public read operations
// only. Preflights admit GET and HEAD with no credentials and none of the
// headers a key travels in, so a cross-origin page reads what an
// anonymous caller may read and writes nothing.
func WithCORSOrigins(origins ...string) Option {
	return func(s *Server) { s.corsOrigins = append(s.corsOrigins, origins...) }
}

// withCORS answers preflights and marks the responses of allowed origins
// (github.com/rs/cors: the Fetch standard's rules for origins, preflight
// caching and Vary: Origin, written once and kept).
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead},
		AllowedHeaders: []string{"Accept", "Accept-Language", "If-None-Match", requestIDHeader},
		ExposedHeaders: []string{"ETag", "Link", "Location", requestIDHeader, versionHeader,
			"RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(next)
}
